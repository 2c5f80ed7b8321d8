import { BlitError } from "../../../domain/errors.ts";
import type { PeerRecord } from "../../../ports/discovery.ts";
import { out } from "../admin-io.ts";
import { columns } from "../columns.ts";
import type { VerbArgs } from "./index.ts";

/** How long scan listens when --wait is not given. */
export const DEFAULT_WAIT_SEC = 2;
const MAX_WAIT_SEC = 600;

/** `blit-utils scan [--wait SECS] [--json]`: daemons answering on mDNS. */
export async function run(args: VerbArgs): Promise<number> {
  const wait = args.values.wait;
  out(await scanText(typeof wait === "string" ? wait : undefined, args.values.json === true));
  return 0;
}

/** What scan prints (shared with `blit scan`): a table, or one JSON array (empty when none answered). */
export async function scanText(waitText: string | undefined, json: boolean): Promise<string> {
  const waitSec = parseWait(waitText);
  const { openMdnsDiscovery } = await import("../../compose.ts");
  const discovery = await openMdnsDiscovery({ interfaces: [] });
  const peers = await discovery.browse(waitSec * 1000);
  if (json) return `${JSON.stringify(peers.map(peerJson))}\n`;
  if (peers.length === 0) return `no blit daemon answered within ${waitSec} s (try a longer --wait)\n`;
  const rows = [["INSTANCE", "HOST", "PORT", "ADDRESSES", "VERSION", "MODULES"], ...peers.map(peerRow)];
  return `${columns(rows)}\n`;
}

// --- internal ---

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
