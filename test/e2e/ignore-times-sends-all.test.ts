// SPEC §3 "Compare": --ignore-times sends every file, even when size and mtime are equal.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

test.concurrent("an up-to-date destination is sent again in full", async () => {
  using tmp = makeTempDir("ignore-times");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "aaa", "sub/b.txt": "bbbb", "c.txt": "c" });
  const first = await runCli(["copy", `${src}/`, dst]);
  expectExit(first, 0);

  const again = await runCli(["copy", "--ignore-times", "--json", `${src}/`, dst]);
  expectExit(again, 0);
  expect({ ...summaryCounts(again), bytes_transferred: again.json?.bytes_transferred }).toEqual({
    files_examined: 3,
    files_transferred: 3,
    files_skipped: 0,
    entries_deleted: 0,
    files_failed: 0,
    outcome: "success",
    bytes_transferred: 8,
  });
  expectTreesEqual(src, dst, { metadata: true });
});
