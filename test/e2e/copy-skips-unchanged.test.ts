// SPEC §3 "Compare": a second copy of an unchanged tree sends nothing (quick check: size + mtime).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

test.concurrent("second run transfers 0 files and skips all of them", async () => {
  using tmp = makeTempDir("skips-unchanged");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "b.txt": "bb", "sub/c.txt": "ccc", "sub/deeper/d.txt": "dddd", "link": { symlink: "a.txt" } });

  const first = await runCli(["copy", "--json", `${src}/`, dst]);
  expectExit(first, 0);
  expect(summaryCounts(first)).toEqual({
    files_examined: 5,
    files_transferred: 5,
    files_skipped: 0,
    entries_deleted: 0,
    files_failed: 0,
    outcome: "success",
  });
  const before = snapshotTree(dst);

  const second = await runCli(["copy", "--json", `${src}/`, dst]);
  expectExit(second, 0);
  expect({ ...summaryCounts(second), bytes_transferred: second.json?.bytes_transferred }).toEqual({
    files_examined: 5,
    files_transferred: 0,
    files_skipped: 5,
    entries_deleted: 0,
    files_failed: 0,
    outcome: "success",
    bytes_transferred: 0,
  });
  expectTreesEqual(before, dst, { metadata: true });
});
