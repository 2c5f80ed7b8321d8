// SPEC §3 "Filters": --include/--exclude apply in command-line order; the first matching rule
// decides; no match means included (rsync's rule). Patterns match the path and the base name.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const TREE = { "a.txt": "a", "b.log": "b", "keep.log": "k", "sub/c.log": "c", "sub/keep.log": "k2" };

test.concurrent("--include before --exclude: the include wins for its files", async () => {
  using tmp = makeTempDir("first-match-include");
  writeTree(join(tmp.path, "src"), TREE);
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", "--include", "keep.log", "--exclude", "*.log", join(tmp.path, "src/"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "keep.log", "sub/", "sub/keep.log"]);
});

test.concurrent("--exclude before --include: the exclude wins", async () => {
  using tmp = makeTempDir("first-match-exclude");
  writeTree(join(tmp.path, "src"), TREE);
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", "--exclude", "*.log", "--include", "keep.log", join(tmp.path, "src/"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "sub/"]);
});

test.concurrent("a pattern with a slash matches the relative path", async () => {
  using tmp = makeTempDir("first-match-path");
  writeTree(join(tmp.path, "src"), TREE);
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", "--exclude", "sub/*.log", join(tmp.path, "src/"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "b.log", "keep.log", "sub/"]);
});
