import { parseDaemonAddress } from "../../../domain/endpoint.ts";
import { BlitError } from "../../../domain/errors.ts";
import { out, withDaemon } from "../admin-io.ts";
import { formatModuleList } from "../entry-format.ts";
import type { VerbArgs } from "./index.ts";

/** `blit-utils list HOST[:PORT]`: modules with read-only flag and comment, and the motd. */
export async function run(args: VerbArgs): Promise<number> {
  const text = args.positionals[0];
  if (text === undefined) throw new BlitError("USAGE", "list needs HOST[:PORT], e.g. blit-utils list backup:9031", {});
  out(await listModulesText(text, args.values.json === true));
  return 0;
}

/** What `list` prints for the daemon at `address` (shared with `blit list`). */
export async function listModulesText(address: string, json: boolean): Promise<string> {
  const daemon = parseDaemonAddress(address);
  const { list, fingerprint } = await withDaemon(daemon.host, daemon.port, async (d, fingerprint) => ({ list: await d.listModules(), fingerprint }));
  const host = daemon.host.includes(":") ? `[${daemon.host}]` : daemon.host;
  return formatModuleList(`${host}:${daemon.port}`, list, json, fingerprint);
}
