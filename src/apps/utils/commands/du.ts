import { displayName } from "../../../domain/rel-path.ts";
import type { UsageRow } from "../../../ports/control.ts";
import { parseRemote, withDaemon } from "../../admin/daemon-client.ts";
import { out, printJson } from "../../toolkit/output.ts";
import { humanBytes } from "../../admin/entry-format.ts";
import { lastValue, wholeNumber, type ParsedFlags } from "../../toolkit/flag-parser.ts";

/** `blit-utils du REMOTE [--max-depth N]`: bytes and counts per directory, the total last. */
export async function run(args: ParsedFlags): Promise<number> {
  const { endpoint, target } = parseRemote("du", args.positionals[0]);
  const maxDepth = wholeNumber("--max-depth", lastValue(args, "max-depth"), 0);
  const rows: UsageRow[] = [];
  await withDaemon(endpoint.host, endpoint.port, async (daemon) => {
    for await (const row of daemon.diskUsage({ target, maxDepth })) {
      if (args.switches.has("json")) rows.push(row);
      else out(`${humanBytes(row.bytes).padStart(10)}  ${String(row.files).padStart(8)} files  ${row.path === "" ? "." : displayName(row.path)}\n`);
    }
  });
  if (args.switches.has("json")) printJson({ path: endpoint.raw, max_depth: maxDepth, rows });
  return 0;
}
