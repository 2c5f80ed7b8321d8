// SPEC §3 "Filters": --files-from FILE transfers only the listed paths (`-` reads the list from stdin).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const TREE = { "a.txt": "a", "b.txt": "b", "dir/c.txt": "c", "dir/d.txt": "d", "other/e.txt": "e", "whole/f.txt": "f", "whole/g/h.txt": "h" };
const LIST = "a.txt\ndir/c.txt\nwhole\n";

test.concurrent("only the listed files (and what is below listed dirs) are copied", async () => {
  using tmp = makeTempDir("files-from");
  writeTree(join(tmp.path, "src"), TREE);
  writeTree(tmp.path, { "list.txt": LIST });
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", "--files-from", join(tmp.path, "list.txt"), join(tmp.path, "src/"), dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "dir/", "dir/c.txt", "whole/", "whole/f.txt", "whole/g/", "whole/g/h.txt"]);
});

test.concurrent("--files-from - reads the list from stdin", async () => {
  using tmp = makeTempDir("files-from-stdin");
  writeTree(join(tmp.path, "src"), TREE);
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", "--files-from", "-", join(tmp.path, "src/"), dst], { stdin: LIST });
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "dir/", "dir/c.txt", "whole/", "whole/f.txt", "whole/g/", "whole/g/h.txt"]);
});

test.concurrent("a missing list file is a usage error (exit 2)", async () => {
  using tmp = makeTempDir("files-from-missing");
  writeTree(join(tmp.path, "src"), TREE);
  const r = await runCli(["copy", "--files-from", join(tmp.path, "nope.txt"), join(tmp.path, "src/"), join(tmp.path, "dst")]);
  expectExit(r, 2);
  expect(r.stderr).toContain("nope.txt");
  expect(listTree(tmp.path)).toEqual(["src/", "src/a.txt", "src/b.txt", "src/dir/", "src/dir/c.txt", "src/dir/d.txt", "src/other/", "src/other/e.txt", "src/whole/", "src/whole/f.txt", "src/whole/g/", "src/whole/g/h.txt"]);
});
