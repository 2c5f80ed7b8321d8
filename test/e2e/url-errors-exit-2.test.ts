// SPEC §2: malformed endpoints are usage errors (exit 2) naming the input; a remote-looking input
// that does not parse is never taken as a local path. NUL bytes cannot be passed in argv.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const BAD: [string, string][] = [
  ["module without trailing slash", "host:/module"],
  ["port out of range", "host:99999:/m/"],
  ["port zero", "host:0:/m/"],
  ["word holding a colon", "notes:2024"],
  ["daemon address host:port", "host:9031"],
  ["unclosed IPv6 bracket", "[::1"],
  ["unclosed IPv6 bracket with a module", "[::1:/m/"],
  ["empty host", ":/m/"],
  ["empty module", "host:/"],
  ["backslash in a remote path", "host:/m/a\\b"],
];
const CASES = BAD.flatMap(([rule, input]) => [
  [rule, input, "SRC"],
  [rule, input, "DST"],
]);

test.concurrent.each(CASES)("%s (%s) as %s: exit 2, named in the message", async (_rule, input, side) => {
  using tmp = makeTempDir("url-error");
  writeTree(tmp.path, { "src/a.txt": "a" });
  const args = side === "SRC" ? ["copy", input, join(tmp.path, "dst")] : ["copy", join(tmp.path, "src/"), input];
  const r = await runCli(args, { cwd: tmp.path });
  expectExit(r, 2);
  expect(r.stderr).toContain(input);
  expect(listTree(tmp.path)).toEqual(["src/", "src/a.txt"]);
});

test.concurrent("host:/module names the fix: add a trailing slash", async () => {
  using tmp = makeTempDir("url-slash-hint");
  const r = await runCli(["copy", "host:/module", join(tmp.path, "dst")]);
  expectExit(r, 2);
  expect(r.stderr).toContain("trailing slash");
});

test.concurrent("host:port at a transfer end names the module form host:port:/module/", async () => {
  using tmp = makeTempDir("url-daemon-end");
  writeTree(tmp.path, { "src/a.txt": "a" });
  const r = await runCli(["copy", "src/", "backup:9031"], { cwd: tmp.path });
  expectExit(r, 2);
  expect(r.stderr).toContain("backup:9031:/module/");
  expect(listTree(tmp.path)).toEqual(["src/", "src/a.txt"]);
});
