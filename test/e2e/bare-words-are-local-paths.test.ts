// SPEC §2: a bare word at a transfer end is a local path, as in cp and rsync: `blit copy notes/ backup`
// copies the contents of ./notes into ./backup, and `blit copy notes backup/` nests it.
import { expect, test } from "bun:test";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

test.concurrent("copy notes/ backup: the contents of ./notes land in ./backup", async () => {
  using tmp = makeTempDir("bare-words-contents");
  writeTree(tmp.path, { "notes/a.txt": "a", "notes/sub/b.txt": "b" });
  const r = await runCli(["copy", "notes/", "backup"], { cwd: tmp.path });
  expectExit(r, 0);
  expectTreesEqual(`${tmp.path}/notes`, `${tmp.path}/backup`);
});

test.concurrent("copy notes backup/ nests ./notes; mirror notes/ copy deletes inside ./copy only", async () => {
  using tmp = makeTempDir("bare-words-nest");
  writeTree(tmp.path, { "notes/a.txt": "a", "copy/extra.txt": "x", "keep.txt": "k" });
  expectExit(await runCli(["copy", "notes", "backup/"], { cwd: tmp.path }), 0);
  expectExit(await runCli(["mirror", "notes/", "copy", "--yes"], { cwd: tmp.path }), 0);
  expect(listTree(tmp.path)).toEqual(["backup/", "backup/notes/", "backup/notes/a.txt", "copy/", "copy/a.txt", "keep.txt", "notes/", "notes/a.txt"]);
});
