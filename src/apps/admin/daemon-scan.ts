import { parseDaemonAddress } from "../../domain/endpoint.ts";
import { BlitError } from "../../domain/errors.ts";
import type { PeerRecord } from "../../ports/discovery.ts";
import { columns } from "./columns.ts";
import { err } from "../toolkit/output.ts";
import { withDaemon } from "./daemon-client.ts";

/** How long scan listens when --wait is not given. */
export const DEFAULT_WAIT_SEC = 2;
const MAX_WAIT_SEC = 600;

/** Where scan looks: mDNS (unless `mdns` is false) and the daemons named in `peers`. */
export interface ScanOptions {
  /** Comma-separated HOST[:PORT] of daemons to ask directly (the static Discovery adapter). */
  readonly peers?: string | undefined;
  readonly mdns?: boolean;
}

/** What `blit scan` and `blit-utils scan` print: a table, or one JSON array (empty when none answered). */
export async function scanText(waitText: string | undefined, json: boolean, options: ScanOptions = {}): Promise<string> {
  const waitSec = parseWait(waitText);
  const named = (options.peers ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "").map((p) => parseDaemonAddress(p));
  if (options.mdns === false && named.length === 0) {
    throw new BlitError("USAGE", "--no-mdns leaves scan nothing to ask: name daemons with --peers HOST[:PORT],… or drop --no-mdns", { flag: "--no-mdns" });
  }
  const compose = await import("../compose.ts");
  const [mdnsPeers, staticPeers] = await Promise.all([
    options.mdns === false ? [] : compose.openMdnsDiscovery({ interfaces: [] }).then((d) => d.browse(waitSec * 1000)),
    Promise.all(named.map((d) => askDaemon(d.host, d.port))).then(async (records) => (await compose.openStaticDiscovery(records.filter((r) => r !== null))).browse(0)),
  ]);
  const seen = new Set(staticPeers.map((p) => `${p.host}:${p.port}`));
  const peers = [...staticPeers, ...mdnsPeers.filter((p) => !seen.has(`${p.host}:${p.port}`))];
  if (json) return `${JSON.stringify(peers.map(peerJson))}\n`;
  if (peers.length === 0) return options.mdns === false ? "no named daemon answered\n" : `no blit daemon answered within ${waitSec} s (try a longer --wait)\n`;
  const rows = [["INSTANCE", "HOST", "PORT", "ADDRESSES", "VERSION", "MODULES"], ...peers.map(peerRow)];
  return `${columns(rows)}\n`;
}

// --- internal ---

/** A named daemon's record from its ListModules answer; null (with a warning) when it does not answer. */
async function askDaemon(host: string, port: number): Promise<PeerRecord | null> {
  const shown = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  try {
    const list = await withDaemon(host, port, (d) => d.listModules());
    const { protocolVersion } = await import("../compose.ts");
    const modules = list.modules.map((m) => m.name);
    return { instance: shown, host, port, addresses: [], version: list.version, protocol: String(await protocolVersion()), modules, modulesTruncated: false, motd: list.motd !== "" };
  } catch (e) {
    err(`blit: warning: ${shown} did not answer: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
}

/** --wait: seconds, a positive number up to MAX_WAIT_SEC (fractions allowed). */
function parseWait(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WAIT_SEC;
  const secs = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
  if (secs > 0 && secs <= MAX_WAIT_SEC) return secs;
  throw new BlitError("USAGE", `invalid --wait '${text}': give the seconds to listen, more than 0 and at most ${MAX_WAIT_SEC}, e.g. --wait 5`, {
    flag: "--wait",
    value: text,
  });
}

function peerJson(p: PeerRecord): Record<string, unknown> {
  return {
    instance: p.instance,
    host: p.host,
    port: p.port,
    addresses: p.addresses,
    version: p.version,
    protocol: p.protocol,
    modules: p.modules,
    modules_truncated: p.modulesTruncated,
    motd: p.motd,
  };
}

function peerRow(p: PeerRecord): string[] {
  const modules = p.modules.join(", ") + (p.modulesTruncated ? ", …" : "");
  return [p.instance, p.host, String(p.port), p.addresses.join(", "), p.version, modules === "" ? "-" : modules];
}
