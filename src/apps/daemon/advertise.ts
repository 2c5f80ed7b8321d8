import type { ConsolaInstance } from "consola";
import { isBlitError } from "../../domain/errors.ts";
import * as compose from "../compose.ts";
import type { DaemonSettings } from "./daemon-settings.ts";

export interface AdvertiseSpec {
  readonly port: number;
  readonly version: string;
  readonly protocol: number;
  readonly modules: readonly string[];
}

/**
 * Advertises the daemon as `_blit._tcp.local.` unless mDNS is off. Runs in the background so it
 * never delays serving; a failure is one warning, never fatal. Disposing the handle sends the
 * goodbye (after advertising finished or failed).
 */
export function startAdvertising(settings: DaemonSettings, spec: AdvertiseSpec, log: ConsolaInstance): AsyncDisposable {
  if (settings.noMdns) {
    log.info("mDNS off: not advertised");
    return { [Symbol.asyncDispose]: async () => undefined };
  }
  const where = settings.mdnsInterfaces.length === 0 ? "every multicast-capable interface" : settings.mdnsInterfaces.join(", ");
  const running = (async (): Promise<AsyncDisposable | null> => {
    try {
      const discovery = await compose.openMdnsDiscovery({
        interfaces: settings.mdnsInterfaces,
        onRename: (name) => log.warn(`mDNS: another host uses the instance name; advertised as '${name}' instead`),
      });
      const handle = await discovery.announce({
        instance: settings.mdnsName,
        port: spec.port,
        version: spec.version,
        protocol: String(spec.protocol),
        modules: spec.modules,
        hasMotd: settings.motd !== "",
      });
      log.info(`mDNS: advertised '${settings.mdnsName}' as _blit._tcp.local. on ${where}`);
      return handle;
    } catch (e) {
      const reason = isBlitError(e) ? e.message : e instanceof Error ? e.message : String(e);
      log.warn(`mDNS: not advertised (${reason}); serving on regardless (--no-mdns silences this)`);
      return null;
    }
  })();
  return {
    async [Symbol.asyncDispose]() {
      const handle = await running;
      if (handle === null) return;
      await handle[Symbol.asyncDispose]();
      log.info("mDNS: goodbye sent");
    },
  };
}
