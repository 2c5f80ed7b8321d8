// SPEC §3 "Mirror safety": with more than --max-delete N deletions planned, none is made (exit 8).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const DST = { "x1.txt": "1", "x2.txt": "2", "x3.txt": "3" };

test.concurrent("3 planned deletions over --max-delete 2: exit 8, nothing deleted", async () => {
  using tmp = makeTempDir("max-delete-over");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a" });
  writeTree(dst, DST);
  const r = await runCli(["mirror", "--yes", "--json", "--max-delete", "2", `${src}/`, dst]);
  expectExit(r, 8);
  expect({ entries_deleted: r.json?.entries_deleted, outcome: r.json?.outcome }).toEqual({ entries_deleted: 0, outcome: "partial" });
  expect(listTree(dst).filter((p) => p.startsWith("x"))).toEqual(["x1.txt", "x2.txt", "x3.txt"]);
  expect(r.stderr).toContain("max-delete");
});

test.concurrent("3 planned deletions at --max-delete 3: all made, exit 0", async () => {
  using tmp = makeTempDir("max-delete-at");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a" });
  writeTree(dst, DST);
  const r = await runCli(["mirror", "--yes", "--json", "--max-delete", "3", `${src}/`, dst]);
  expectExit(r, 0);
  expect(r.json?.entries_deleted).toBe(3);
  expect(listTree(dst)).toEqual(["a.txt"]);
});

test.concurrent("--max-delete 0 withholds a single deletion", async () => {
  using tmp = makeTempDir("max-delete-zero");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a" });
  writeTree(dst, { "x1.txt": "1" });
  const r = await runCli(["mirror", "--yes", "--max-delete", "0", `${src}/`, dst]);
  expectExit(r, 8);
  expect(listTree(dst)).toEqual(["a.txt", "x1.txt"]);
});
