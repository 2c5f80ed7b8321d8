// SPEC §2: a file source to an existing directory (or `dst/`) lands as dst/file.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

test.concurrent("file into an existing directory dst gives dst/file", async () => {
  using tmp = makeTempDir("file-into-dir");
  writeTree(tmp.path, { "src/file.txt": { content: "payload", mode: 0o640, mtime: 1_700_000_000_111_222_333n } });
  const dst = join(tmp.path, "dst");
  mkdirSync(dst);
  const r = await runCli(["copy", join(tmp.path, "src/file.txt"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["file.txt"]);
  expectTreesEqual(join(tmp.path, "src"), dst, { metadata: true, ignoreRoot: true });
});

test.concurrent("file into dst/ (trailing slash) gives dst/file", async () => {
  using tmp = makeTempDir("file-into-slash");
  writeTree(tmp.path, { "src/file.txt": "payload" });
  const dst = join(tmp.path, "dst");
  mkdirSync(dst);
  const r = await runCli(["copy", join(tmp.path, "src/file.txt"), `${dst}/`]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["file.txt"]);
  expectTreesEqual(join(tmp.path, "src"), dst, { metadata: true, ignoreRoot: true });
});

test.concurrent("file into a missing dst/ creates the directory and puts the file inside", async () => {
  using tmp = makeTempDir("file-into-missing");
  writeTree(tmp.path, { "src/file.txt": "payload" });
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", join(tmp.path, "src/file.txt"), `${dst}/`]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["file.txt"]);
});
