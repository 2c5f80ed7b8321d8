import { parseRemote, withDaemon } from "../../admin/daemon-client.ts";
import { out, printJson } from "../../toolkit/output.ts";
import { entryLine, metaJson } from "../../admin/entry-format.ts";
import type { ParsedFlags } from "../../toolkit/flag-parser.ts";

/** `blit-utils ls REMOTE`: a remote directory's entries (or the entry itself). */
export async function run(args: ParsedFlags): Promise<number> {
  const { endpoint, target } = parseRemote("ls", args.positionals[0]);
  const listing = await withDaemon(endpoint.host, endpoint.port, (d) => d.list(target));
  if (args.switches.has("json")) {
    printJson({
      path: endpoint.raw,
      is_dir: listing.isDir,
      entries: listing.entries.map((e) => ({ name: e.name, ...metaJson(e.meta) })),
      failures: listing.failures,
    });
  } else {
    out(listing.entries.map((e) => entryLine(e.name, e.meta)).join(""));
    for (const f of listing.failures) out(`? ${f.path}: ${f.message}\n`);
  }
  return 0;
}
