// SPEC §3 "Mirror safety": source and destination that overlap (one inside the other) are refused
// with exit 2, before anything is written.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

const TREE = { "a.txt": "a", "sub/b.txt": "b" };

test.concurrent.each([
  ["copy a directory into itself", ["copy", "./src", "./src/inner"]],
  ["copy a directory's contents into its subdirectory", ["copy", "./src/", "./src/sub"]],
  ["copy a subdirectory's contents onto its parent", ["copy", "./src/sub/", "./src"]],
  ["mirror a directory onto itself", ["mirror", "--yes", "./src/", "./src"]],
  ["mirror into itself through a symlink", ["mirror", "--yes", "./src/", "./link-to-src/inner"]],
])("%s: exit 2, nothing changed", async (_name, args) => {
  using tmp = makeTempDir("overlap");
  writeTree(tmp.path, { ...Object.fromEntries(Object.entries(TREE).map(([k, v]) => [`src/${k}`, v])), "link-to-src": { symlink: "src" } });
  const before = snapshotTree(tmp.path);
  const r = await runCli(args as string[], { cwd: tmp.path });
  expectExit(r, 2);
  expect(r.stderr).toContain("overlap");
  expectTreesEqual(before, tmp.path, { metadata: true });
});
