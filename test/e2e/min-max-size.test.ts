// SPEC §3 "Filters": --min-size and --max-size bound regular files (inclusive; K = 1024).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const TREE = {
  "tiny.bin": "x".repeat(10),
  "small.bin": "x".repeat(1000),
  "edge.bin": "x".repeat(2048),
  "large.bin": "x".repeat(5000),
  "sub/mid.bin": "x".repeat(1500),
};

test.concurrent.each([
  [["--min-size", "100", "--max-size", "2K"], ["edge.bin", "small.bin", "sub/", "sub/mid.bin"]],
  [["--min-size", "2K"], ["edge.bin", "large.bin", "sub/"]],
  [["--max-size", "1000"], ["small.bin", "sub/", "tiny.bin"]],
])("copy %p keeps only files in range", async (flags, expected) => {
  using tmp = makeTempDir("size-range");
  writeTree(join(tmp.path, "src"), TREE);
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", ...flags, join(tmp.path, "src/"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(expected);
});
