// SPEC §3 exit 2: bad flags, bad values, conflicting compare modes and missing operands are
// usage errors that name the problem and change nothing.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const CASES: [string, string[], string][] = [
  ["unknown flag", ["--frobnicate", "SRC", "DST"], "--frobnicate"],
  ["unknown short flag", ["-Z", "SRC", "DST"], "-Z"],
  ["negative --max-delete", ["--max-delete", "-1", "SRC", "DST"], "--max-delete"],
  ["non-numeric --max-delete", ["--max-delete", "many", "SRC", "DST"], "--max-delete"],
  ["bad --min-size unit", ["--min-size", "10Q", "SRC", "DST"], "10Q"],
  ["bad --max-size", ["--max-size", "-5", "SRC", "DST"], "--max-size"],
  ["-c with --size-only", ["-c", "--size-only", "SRC", "DST"], "--size-only"],
  ["--size-only with --ignore-times", ["--size-only", "--ignore-times", "SRC", "DST"], "--ignore-times"],
  ["missing DST", ["SRC"], "DST"],
  ["missing SRC and DST", [], "SRC"],
  ["a third operand", ["SRC", "DST", "EXTRA"], "EXTRA"],
  ["flag missing its value", ["SRC", "DST", "--exclude"], "--exclude"],
  ["value given to a switch", ["--yes=no", "SRC", "DST"], "--yes"],
];

test.concurrent.each(CASES)("copy with %s: exit 2", async (_name, args, mention) => {
  using tmp = makeTempDir("bad-flags");
  writeTree(tmp.path, { "src/a.txt": "a" });
  const fill = (a: string) => (a === "SRC" ? join(tmp.path, "src/") : a === "DST" ? join(tmp.path, "dst") : a === "EXTRA" ? join(tmp.path, "EXTRA") : a);
  const r = await runCli(["copy", ...args.map(fill)]);
  expectExit(r, 2);
  expect(r.stderr).toContain(mention);
  expect(listTree(tmp.path)).toEqual(["src/", "src/a.txt"]);
});

test.concurrent("an unknown command: exit 2", async () => {
  const r = await runCli(["frobnicate", "a/", "b/"]);
  expectExit(r, 2);
  expect(r.stderr).toContain("frobnicate");
});

test.concurrent("no command at all: exit 2", async () => {
  const r = await runCli([]);
  expectExit(r, 2);
  expect(r.stderr).not.toBe("");
});
