// SPEC §3 "Filters": mirror deletes only inside the filter scope; excluded destination entries stay.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

test.concurrent("excluded files and directories in the destination are not deleted", async () => {
  using tmp = makeTempDir("mirror-filter-scope");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "keep.txt": "k", "skip.tmp": "not copied" });
  writeTree(dst, {
    "extra.txt": "deleted: in scope",
    "local.tmp": "kept: excluded",
    "cache/blob": "kept: excluded dir",
  });
  const r = await runCli(["mirror", "--yes", "--exclude", "*.tmp", "--exclude", "cache/", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["cache/", "cache/blob", "keep.txt", "local.tmp"]);
});

test.concurrent("an excluded file inside an extraneous directory stays, with its directory", async () => {
  using tmp = makeTempDir("mirror-filter-nested");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "keep.txt": "k" });
  writeTree(dst, { "sub/old.tmp": "kept: excluded", "sub/old.txt": "deleted: in scope" });
  const r = await runCli(["mirror", "--yes", "--exclude", "*.tmp", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["keep.txt", "sub/", "sub/old.tmp"]);
});

test.concurrent("with --files-from, unlisted destination entries stay", async () => {
  using tmp = makeTempDir("mirror-files-from-scope");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "b.txt": "b" });
  writeTree(dst, { "a.txt": "stale a", "b.txt": "untouched b", "c.txt": "unlisted" });
  writeTree(tmp.path, { "list.txt": "a.txt\n" });
  const r = await runCli(["mirror", "--yes", "--files-from", join(tmp.path, "list.txt"), `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "b.txt", "c.txt"]);
});
