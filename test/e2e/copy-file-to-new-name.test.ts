// SPEC §2: a file source to a name that is not a directory is written as that name.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

test.concurrent("file to a missing name writes the file under that name", async () => {
  using tmp = makeTempDir("file-new-name");
  writeTree(tmp.path, { "src/file.txt": { content: "payload", mode: 0o604, mtime: 1_650_000_000_000_000_007n }, out: { dir: true } });
  const r = await runCli(["copy", join(tmp.path, "src/file.txt"), join(tmp.path, "out/other.txt")]);
  expectExit(r, 0);
  expect(listTree(join(tmp.path, "out"))).toEqual(["other.txt"]);
  // A file root compares as one node: bytes, mode and mtime.
  expectTreesEqual(join(tmp.path, "src/file.txt"), join(tmp.path, "out/other.txt"), { metadata: true });
});

test.concurrent("file to an existing file replaces it", async () => {
  using tmp = makeTempDir("file-replace");
  writeTree(tmp.path, {
    "src/file.txt": { content: "new content", mtime: 1_700_000_000_000_000_001n },
    "dst/other.txt": { content: "old", mtime: 1_600_000_000_000_000_000n },
  });
  const r = await runCli(["copy", join(tmp.path, "src/file.txt"), join(tmp.path, "dst/other.txt")]);
  expectExit(r, 0);
  expect(listTree(join(tmp.path, "dst"))).toEqual(["other.txt"]);
  expect(readFileSync(join(tmp.path, "dst/other.txt"), "utf8")).toBe("new content");
});
