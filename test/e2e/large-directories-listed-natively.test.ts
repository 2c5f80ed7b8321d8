// Directories large enough for the native lister (dir-list.c, built once a thread has listed a few thousand entries)
// copy and mirror exactly: a no-op re-run skips everything, and what the lister must see at the destination (a stray
// attribute, a moved mtime, a name the source lost) is put right. The same holds where the lister cannot be built (TMPDIR unusable).
import { expect, test } from "bun:test";
import { closeSync, constants, openSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readXattrs, writeXattrs } from "../../src/adapters/local/xattrs.ts";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, setMtimeNs } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

const FILES = 2 * 3000;

function tag(path: string, value: string): void {
  const fd = openSync(path, constants.O_RDWR);
  try {
    expect(writeXattrs(fd, [["user.tag", new TextEncoder().encode(value)]], path)).toEqual([]);
  } finally {
    closeSync(fd);
  }
}

for (const [label, env] of [["native lister", {}], ["lister unbuildable", { TMPDIR: "/nonexistent/blit-test" }]] as const) {
  test.concurrent(`${label}: copy, no-op mirror, then a mirror that carries an attribute, an mtime and a deletion`, async () => {
    using tmp = makeTempDir("native-listing");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    const files = Array.from({ length: FILES }, (_, i) => join(src, `f${String(i).padStart(5, "0")}`));
    Bun.spawnSync(["mkdir", "-p", src]);
    for (const f of files) writeFileSync(f, f.slice(-6));
    expectExit(await runCli(["copy", `${src}/`, dst], { env }), 0);
    expectTreesEqual(src, dst);

    const noop = await runCli(["mirror", "--yes", "--json", `${src}/`, dst], { env });
    expectExit(noop, 0);
    expect(summaryCounts(noop)).toMatchObject({ files_examined: FILES, files_transferred: 0, files_skipped: FILES });

    // Changes at the destination, which the pass lists after the source (the thread has the native lister by then).
    tag(join(dst, "f05999"), "stray");
    setMtimeNs(join(dst, "f05998"), 1_500_000_000_123_456_789n);
    rmSync(files[0]!);
    const changed = await runCli(["mirror", "--yes", "--json", `${src}/`, dst], { env });
    expectExit(changed, 0);
    expect(summaryCounts(changed)).toMatchObject({ entries_deleted: 1, files_failed: 0 });
    expectTreesEqual(src, dst);
    expect(readXattrs(join(dst, "f05999"), "f05999")).toEqual([]);
  });
}
