// SPEC §3 "Filters": an excluded directory prunes its subtree; later includes cannot reach into it.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const TREE = { "main.c": "int main;", "build/out.o": "obj", "build/sub/notes.txt": "txt", "docs/notes.txt": "doc" };

test.concurrent("--exclude build leaves out the whole build subtree", async () => {
  using tmp = makeTempDir("prune");
  writeTree(join(tmp.path, "src"), TREE);
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", "--exclude", "build", join(tmp.path, "src/"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["docs/", "docs/notes.txt", "main.c"]);
});

test.concurrent("an earlier --include *.txt does not reach inside the excluded build", async () => {
  using tmp = makeTempDir("prune-include");
  writeTree(join(tmp.path, "src"), TREE);
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", "--include", "*.txt", "--exclude", "build/", join(tmp.path, "src/"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["docs/", "docs/notes.txt", "main.c"]);
});
