// SPEC §3: copy transfers what differs and never deletes.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

test.concurrent("entries only in the destination stay", async () => {
  using tmp = makeTempDir("never-deletes");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  writeTree(dst, { "extra.txt": "x", "sub/extra.txt": "y", "only-dst/z.txt": "z", "only-link": { symlink: "nowhere" } });
  const r = await runCli(["copy", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 2, entries_deleted: 0, outcome: "success" });
  expect(listTree(dst)).toEqual(["a.txt", "extra.txt", "only-dst/", "only-dst/z.txt", "only-link", "sub/", "sub/b.txt", "sub/extra.txt"]);
});
