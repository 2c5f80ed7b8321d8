// SPEC §3 "Confirmation": move without a terminal and without --yes refuses (exit 11, nothing changed).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

test.concurrent("move without --yes: exit 11, source and destination untouched", async () => {
  using tmp = makeTempDir("move-refuses");
  const src = join(tmp.path, "src");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  writeTree(tmp.path, { "dst/existing.txt": "e" });
  const before = snapshotTree(tmp.path);
  const r = await runCli(["move", `${src}/`, join(tmp.path, "dst")]);
  expectExit(r, 11);
  expect(r.stderr).toContain("--yes");
  expectTreesEqual(before, tmp.path, { metadata: true });
});

test.concurrent("move of a single file without --yes: exit 11, file stays", async () => {
  using tmp = makeTempDir("move-refuses-file");
  writeTree(tmp.path, { "f.txt": "payload" });
  const before = snapshotTree(tmp.path);
  const r = await runCli(["move", join(tmp.path, "f.txt"), join(tmp.path, "g.txt")]);
  expectExit(r, 11);
  expectTreesEqual(before, tmp.path, { metadata: true });
});

test.concurrent("move --dry-run needs no confirmation and changes nothing", async () => {
  using tmp = makeTempDir("move-dry-run");
  writeTree(tmp.path, { "src/a.txt": "a" });
  const before = snapshotTree(tmp.path);
  const r = await runCli(["move", "-n", join(tmp.path, "src/"), join(tmp.path, "dst")]);
  expectExit(r, 0);
  expectTreesEqual(before, tmp.path, { metadata: true });
});
