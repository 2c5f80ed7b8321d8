// SPEC §3 exit codes: a source that does not exist is exit 3 ("source or destination not found").
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

test.concurrent.each([["copy"], ["mirror"], ["move"]])("%s of a missing source: exit 3, destination not created", async (verb) => {
  using tmp = makeTempDir("missing-source");
  const r = await runCli([verb, "--yes", join(tmp.path, "no-such-dir/"), join(tmp.path, "dst")]);
  expectExit(r, 3);
  expect(r.stderr).toContain("no-such-dir");
  expect(listTree(tmp.path)).toEqual([]);
});

test.concurrent("a missing single file: exit 3", async () => {
  using tmp = makeTempDir("missing-file");
  const r = await runCli(["copy", join(tmp.path, "nope.txt"), join(tmp.path, "out.txt")]);
  expectExit(r, 3);
  expect(r.stderr).toContain("nope.txt");
  expect(listTree(tmp.path)).toEqual([]);
});
