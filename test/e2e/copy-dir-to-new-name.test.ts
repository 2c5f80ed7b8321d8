// SPEC §2: a directory source without a slash, to a destination that does not exist: dst becomes the copy.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

test.concurrent("src to a missing dst makes dst the copy of src", async () => {
  using tmp = makeTempDir("new-name");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "renamed");
  writeTree(src, { "a.txt": "alpha", "sub/b.txt": "beta", "sub/empty": { dir: true } });
  const r = await runCli(["copy", src, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "sub/", "sub/b.txt", "sub/empty/"]);
  expectTreesEqual(src, dst, { metadata: true });
});
