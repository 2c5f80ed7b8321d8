// SPEC §3 "move": removes exactly the source entries that landed (filtered-out ones stay) and the
// source directories left empty.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree, snapshotTree } from "../harness/tree-compare.ts";

test.concurrent("move --yes src/ with an exclude: moved files gone, excluded stay, emptied dirs removed", async () => {
  using tmp = makeTempDir("move-landed");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, {
    "a.txt": "a",
    "link": { symlink: "a.txt" },
    "mixed/b.txt": "b",
    "mixed/keep.log": "excluded: stays",
    "all-moved/c.txt": "c",
    "all-moved/deeper/d.txt": "d",
    "was-empty": { dir: true },
  });
  const expected = snapshotTree(src);
  const r = await runCli(["move", "--yes", "--exclude", "*.log", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(src)).toEqual(["mixed/", "mixed/keep.log"]);
  expect(listTree(dst)).toEqual(["a.txt", "all-moved/", "all-moved/c.txt", "all-moved/deeper/", "all-moved/deeper/d.txt", "link", "mixed/", "mixed/b.txt", "was-empty/"]);
  expectTreesEqual(expected, dst, { metadata: true, ignore: (p) => p === "mixed/keep.log" });
});

test.concurrent("move --yes src (no slash) removes the emptied source directory itself", async () => {
  using tmp = makeTempDir("move-root");
  const src = join(tmp.path, "src");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  const expected = snapshotTree(src);
  const r = await runCli(["move", "--yes", src, join(tmp.path, "dst")]);
  expectExit(r, 0);
  expect(listTree(tmp.path)).toEqual(["dst/", "dst/a.txt", "dst/sub/", "dst/sub/b.txt"]);
  expectTreesEqual(expected, join(tmp.path, "dst"), { metadata: true });
});

test.concurrent("move --yes of one file removes it once it landed", async () => {
  using tmp = makeTempDir("move-file");
  writeTree(tmp.path, { "f.txt": { content: "payload", mtime: 1_600_000_000_000_000_042n } });
  const expected = snapshotTree(join(tmp.path, "f.txt"));
  const r = await runCli(["move", "--yes", join(tmp.path, "f.txt"), join(tmp.path, "g.txt")]);
  expectExit(r, 0);
  expect(listTree(tmp.path)).toEqual(["g.txt"]);
  expectTreesEqual(expected, join(tmp.path, "g.txt"), { metadata: true });
});
