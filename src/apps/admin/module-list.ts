import { parseDaemonAddress } from "../../domain/endpoint.ts";
import { withDaemon } from "./daemon-client.ts";
import { formatModuleList } from "./entry-format.ts";

/** What `blit list` and `blit-utils list` print for the daemon at `address`: its modules and motd, or the JSON document. */
export async function listModulesText(address: string, json: boolean): Promise<string> {
  const daemon = parseDaemonAddress(address);
  const { list, fingerprint } = await withDaemon(daemon.host, daemon.port, async (d, fingerprint) => ({ list: await d.listModules(), fingerprint }));
  const host = daemon.host.includes(":") ? `[${daemon.host}]` : daemon.host;
  return formatModuleList(`${host}:${daemon.port}`, list, json, fingerprint);
}
