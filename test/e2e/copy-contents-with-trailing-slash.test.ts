// SPEC §2: a source ending in `/` (or `/.`) means its contents; they land in DST, created if missing.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

const TREE = { "a.txt": "alpha", "sub/b.txt": "beta" };

test.concurrent("src/ into a missing dst creates dst holding the contents", async () => {
  using tmp = makeTempDir("contents-missing");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, TREE);
  const r = await runCli(["copy", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "sub/", "sub/b.txt"]);
  expectTreesEqual(src, dst, { metadata: true });
});

test.concurrent("src/ into an existing dst/ puts the contents directly in dst", async () => {
  using tmp = makeTempDir("contents-existing");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, TREE);
  mkdirSync(dst);
  const r = await runCli(["copy", `${src}/`, `${dst}/`]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "sub/", "sub/b.txt"]);
  expectTreesEqual(src, dst, { metadata: true });
});

test.concurrent("src/. is the same as src/", async () => {
  using tmp = makeTempDir("contents-dot");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, TREE);
  const r = await runCli(["copy", `${src}/.`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "sub/", "sub/b.txt"]);
});

test.concurrent(". as the source copies the working directory's contents", async () => {
  using tmp = makeTempDir("contents-cwd");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, TREE);
  const r = await runCli(["copy", ".", dst], { cwd: src });
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "sub/", "sub/b.txt"]);
});
