// SPEC §3 "Compare": --ignore-existing never touches a destination file that already exists.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree, snapshotTree } from "../harness/tree-compare.ts";

test.concurrent("existing files stay as they are; missing ones are copied", async () => {
  using tmp = makeTempDir("ignore-existing");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, {
    "exists.txt": { content: "newer and longer", mtime: 1_700_000_000_000_000_000n },
    "new.txt": "new",
    "sub/new.txt": "new too",
  });
  writeTree(dst, { "exists.txt": { content: "old", mtime: 1_600_000_000_000_000_000n } });
  const existing = snapshotTree(join(dst, "exists.txt"));
  const r = await runCli(["copy", "--ignore-existing", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 2, files_skipped: 1, files_failed: 0 });
  expect(listTree(dst)).toEqual(["exists.txt", "new.txt", "sub/", "sub/new.txt"]);
  expectTreesEqual(existing, join(dst, "exists.txt"), { metadata: true });
});
