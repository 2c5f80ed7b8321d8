import { displayName } from "../../../domain/rel-path.ts";
import type { UsageRow } from "../../../ports/control.ts";
import { out, parseRemote, printJson, wholeNumber, withDaemon } from "../admin-io.ts";
import { humanBytes } from "../entry-format.ts";
import type { VerbArgs } from "./index.ts";

/** `blit-utils du REMOTE [--max-depth N]`: bytes and counts per directory, the total last. */
export async function run(args: VerbArgs): Promise<number> {
  const { endpoint, target } = parseRemote("du", args.positionals[0]);
  const maxDepth = wholeNumber("--max-depth", args.values["max-depth"] as string | undefined, 0);
  const rows: UsageRow[] = [];
  await withDaemon(endpoint.host, endpoint.port, async (daemon) => {
    for await (const row of daemon.diskUsage({ target, maxDepth })) {
      if (args.values.json === true) rows.push(row);
      else out(`${humanBytes(row.bytes).padStart(10)}  ${String(row.files).padStart(8)} files  ${row.path === "" ? "." : displayName(row.path)}\n`);
    }
  });
  if (args.values.json === true) printJson({ path: endpoint.raw, max_depth: maxDepth, rows });
  return 0;
}
