// SPEC §3: mirror = copy + delete destination entries absent from the source.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

test.concurrent("after mirror --yes the destination equals the source", async () => {
  using tmp = makeTempDir("mirror-deletes");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b", "changed.txt": { content: "new", mtime: 1_700_000_000_000_000_000n } });
  writeTree(dst, {
    "extra.txt": "x",
    "sub/extra.txt": "y",
    "gone-dir/inner/z.txt": "z",
    "gone-link": { symlink: "a.txt" },
    "changed.txt": { content: "old!", mtime: 1_600_000_000_000_000_000n },
  });
  const r = await runCli(["mirror", "--yes", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 3, files_failed: 0, outcome: "success" });
  expect(r.json?.entries_deleted).toBeGreaterThanOrEqual(4);
  expect(listTree(dst)).toEqual(["a.txt", "changed.txt", "sub/", "sub/b.txt"]);
  expectTreesEqual(src, dst, { metadata: true });
});

test.concurrent("a type change (dir in dst, file in src) is replaced", async () => {
  using tmp = makeTempDir("mirror-type-change");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "x": "now a file", "y/inner.txt": "now a dir" });
  writeTree(dst, { "x/old.txt": "was a dir", "y": "was a file" });
  const r = await runCli(["mirror", "--yes", `${src}/`, dst]);
  expectExit(r, 0);
  expectTreesEqual(src, dst, { metadata: true });
});
