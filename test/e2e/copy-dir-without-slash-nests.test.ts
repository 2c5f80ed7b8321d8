// SPEC §2: a directory source without a trailing slash lands *inside* `dst/` or an existing directory dst.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

const TREE = { "a.txt": "alpha", "sub/b.txt": "beta" };

test.concurrent("src into an existing directory dst gives dst/src", async () => {
  using tmp = makeTempDir("nest-existing");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, TREE);
  writeTree(dst, { "old.txt": "kept" });
  const r = await runCli(["copy", src, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["old.txt", "src/", "src/a.txt", "src/sub/", "src/sub/b.txt"]);
  expectTreesEqual(src, join(dst, "src"), { metadata: true });
});

test.concurrent("src into dst/ (trailing slash) gives dst/src, creating dst", async () => {
  using tmp = makeTempDir("nest-slash");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, TREE);
  const r = await runCli(["copy", src, `${dst}/`]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["src/", "src/a.txt", "src/sub/", "src/sub/b.txt"]);
  expectTreesEqual(src, join(dst, "src"), { metadata: true });
});

test.concurrent("src into an existing empty dst/ gives dst/src", async () => {
  using tmp = makeTempDir("nest-empty");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, TREE);
  mkdirSync(dst);
  const r = await runCli(["copy", src, `${dst}/`]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["src/", "src/a.txt", "src/sub/", "src/sub/b.txt"]);
});
