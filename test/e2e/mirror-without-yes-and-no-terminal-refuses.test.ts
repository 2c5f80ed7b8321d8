// SPEC §3 "Confirmation": mirror with planned deletions, without a terminal and without --yes,
// refuses with exit 11 and changes nothing.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

test.concurrent("planned deletions and no terminal: exit 11, neither tree changed", async () => {
  using tmp = makeTempDir("mirror-refuses");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "new.txt": "would be copied" });
  writeTree(dst, { "a.txt": "stale", "extra.txt": "would be deleted" });
  const before = snapshotTree(tmp.path);
  const r = await runCli(["mirror", `${src}/`, dst]);
  expectExit(r, 11);
  expect(r.stderr).toContain("--yes");
  expectTreesEqual(before, tmp.path, { metadata: true });
});

test.concurrent("piped input is not a terminal: a 'y' on stdin does not confirm", async () => {
  using tmp = makeTempDir("mirror-refuses-pipe");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a" });
  writeTree(dst, { "extra.txt": "would be deleted" });
  const before = snapshotTree(tmp.path);
  const r = await runCli(["mirror", `${src}/`, dst], { stdin: "y\n" });
  expectExit(r, 11);
  expectTreesEqual(before, tmp.path, { metadata: true });
});

test.concurrent("nothing to delete: mirror needs no confirmation", async () => {
  using tmp = makeTempDir("mirror-nothing-to-delete");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  const r = await runCli(["mirror", `${src}/`, dst]);
  expectExit(r, 0);
  expectTreesEqual(src, dst, { metadata: true });
});
