import { decodeTxt, encodeTxt, hostLabel, SERVICE_NAME } from "../../domain/discovery-txt.ts";
import { BlitError } from "../../domain/errors.ts";
import type { Announcement, Discovery, PeerRecord } from "../../ports/discovery.ts";
import { multicastInterfaces, unknownInterfaces } from "./multicast-interfaces.ts";

export interface MdnsDiscoveryOptions {
  /** Interfaces to advertise on; empty or absent: every interface that is up and multicast-capable. */
  readonly interfaces?: readonly string[];
  /** Called when ciao renames the instance after a name conflict (`name (2)`). */
  readonly onRename?: (name: string) => void;
}

/** How long advertising (probing, first announcement) may take before it counts as failed. */
const ADVERTISE_TIMEOUT_MS = 15_000;

/**
 * Discovery over multicast DNS: announces `_blit._tcp.local.` with @homebridge/ciao (standard
 * DNS-SD PTR/SRV/TXT/A records, goodbye on dispose) and browses with bonjour-service. Both
 * libraries are imported when first used.
 */
export class MdnsDiscovery implements Discovery {
  constructor(private readonly options: MdnsDiscoveryOptions = {}) {}

  async announce(a: Announcement): Promise<AsyncDisposable> {
    const interfaces = this.options.interfaces?.length ? [...this.options.interfaces] : multicastInterfaces();
    const unknown = unknownInterfaces(interfaces);
    if (unknown.length > 0) {
      throw new BlitError("TRANSPORT_UNAVAILABLE", `no network interface named ${unknown.join(", ")} (mdns_interfaces; this machine has ${multicastInterfaces().join(", ") || "none that is multicast-capable"})`);
    }
    if (interfaces.length === 0) {
      throw new BlitError("TRANSPORT_UNAVAILABLE", "no network interface is up and multicast-capable (set mdns_interfaces in the config)");
    }
    const { getResponder } = await import("@homebridge/ciao");
    const responder = getResponder({ interface: interfaces });
    const service = responder.createService({
      name: a.instance,
      type: SERVICE_NAME,
      port: a.port,
      hostname: hostLabel(a.instance),
      txt: encodeTxt({ version: a.version, protocol: a.protocol, modules: a.modules, motd: a.hasMotd }),
    });
    service.on("name-change", (name: string) => this.options.onRename?.(name));
    try {
      await withTimeout(service.advertise(), ADVERTISE_TIMEOUT_MS, `advertising on ${interfaces.join(", ")}`);
    } catch (e) {
      await responder.shutdown().catch(() => undefined);
      throw toBlitError(e, interfaces);
    }
    let withdrawn = false;
    return {
      async [Symbol.asyncDispose]() {
        if (withdrawn) return;
        withdrawn = true;
        await service.end().catch(() => undefined);
        await responder.shutdown().catch(() => undefined);
      },
    };
  }

  async browse(waitMs: number, signal?: AbortSignal): Promise<PeerRecord[]> {
    const { Bonjour } = await import("bonjour-service");
    let failure: unknown = null;
    const bonjour = new Bonjour({}, (e: unknown) => {
      failure = e;
    });
    try {
      const browser = bonjour.find({ type: SERVICE_NAME, protocol: "tcp" });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (failure !== null && browser.services.length === 0) throw toBlitError(failure, []);
      const peers: PeerRecord[] = [];
      for (const s of browser.services) {
        const txt = decodeTxt((s.txt ?? {}) as Record<string, unknown>);
        if (txt === null || typeof s.port !== "number") continue;
        const { modulesTruncated, ...rest } = txt;
        peers.push({ instance: s.name, host: s.host, port: s.port, addresses: [...(s.addresses ?? [])].sort(), ...rest, modulesTruncated });
      }
      return peers.sort((x, y) => x.instance.localeCompare(y.instance));
    } finally {
      bonjour.destroy();
    }
  }
}

// --- internal ---

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function toBlitError(e: unknown, interfaces: readonly string[]): BlitError {
  const reason = e instanceof Error ? e.message : String(e);
  const where = interfaces.length === 0 ? "" : ` on ${interfaces.join(", ")}`;
  return new BlitError("TRANSPORT_UNAVAILABLE", `mDNS failed${where}: ${reason}`, {}, { cause: e });
}
