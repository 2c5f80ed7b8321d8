// SPEC §3 exit 6 (daemon unreachable, transport unavailable): a remote end with no daemon to
// reach ends with exit 6 and changes nothing locally.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

test.concurrent.each([
  ["pull from a module", "localhost:/m/", "LOCAL"],
  ["pull from the default export", "localhost://", "LOCAL"],
  ["pull over IPv6 with a port", "[::1]:9031:/m/x", "LOCAL"],
  ["push to a module", "LOCAL", "localhost:/m/"],
  ["push to the default export", "LOCAL", "localhost://sub/"],
])("%s: exit 6", async (_name, from, to) => {
  using tmp = makeTempDir("remote");
  writeTree(tmp.path, { "local/a.txt": "a" });
  const local = join(tmp.path, "local/");
  const before = snapshotTree(tmp.path);
  const r = await runCli(["copy", from === "LOCAL" ? local : from, to === "LOCAL" ? local : to]);
  expectExit(r, 6);
  expect(r.stderr).not.toBe("");
  expectTreesEqual(before, tmp.path, { metadata: true });
});
