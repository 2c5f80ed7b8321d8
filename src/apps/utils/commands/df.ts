import { parseRemote, withDaemon } from "../../admin/daemon-client.ts";
import { out, printJson } from "../../toolkit/output.ts";
import { humanBytes } from "../../admin/entry-format.ts";
import type { ParsedFlags } from "../../toolkit/flag-parser.ts";

/** `blit-utils df REMOTE`: capacity of the filesystem holding the module. */
export async function run(args: ParsedFlags): Promise<number> {
  const { endpoint, target } = parseRemote("df", args.positionals[0]);
  const s = await withDaemon(endpoint.host, endpoint.port, (d) => d.filesystemStats(target));
  if (args.switches.has("json")) {
    printJson({
      path: endpoint.raw,
      total_bytes: s.totalBytes,
      free_bytes: s.freeBytes,
      available_bytes: s.availableBytes,
      total_inodes: s.totalInodes,
      free_inodes: s.freeInodes,
      block_size: s.blockSize,
    });
  } else {
    const used = s.totalBytes - s.freeBytes;
    const pct = s.totalBytes === 0 ? 0 : Math.round((used / s.totalBytes) * 100);
    out(`${"Size".padStart(10)} ${"Used".padStart(10)} ${"Avail".padStart(10)} Use%  Path\n`);
    out(`${humanBytes(s.totalBytes).padStart(10)} ${humanBytes(used).padStart(10)} ${humanBytes(s.availableBytes).padStart(10)} ${`${pct}%`.padStart(4)}  ${endpoint.raw}\n`);
  }
  return 0;
}
