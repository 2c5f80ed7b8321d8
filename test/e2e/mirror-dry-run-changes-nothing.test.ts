// SPEC §3 `--dry-run`/`-n`: plans and reports what would change, changes nothing.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

test.concurrent("mirror -n reports planned counts and leaves both trees untouched", async () => {
  using tmp = makeTempDir("mirror-dry-run");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, {
    "new.txt": "new",
    "same.txt": { content: "same", mtime: 1_600_000_000_000_000_000n },
    "changed.txt": { content: "changed", mtime: 1_700_000_000_000_000_000n },
  });
  writeTree(dst, {
    "same.txt": { content: "same", mtime: 1_600_000_000_000_000_000n },
    "changed.txt": { content: "before", mtime: 1_600_000_000_000_000_000n },
    "extra.txt": "to be deleted",
  });
  const srcBefore = snapshotTree(src);
  const dstBefore = snapshotTree(dst);
  const r = await runCli(["mirror", "-n", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect({ ...summaryCounts(r), dry_run: r.json?.dry_run }).toEqual({
    files_examined: 3,
    files_transferred: 2,
    files_skipped: 1,
    entries_deleted: 1,
    files_failed: 0,
    outcome: "dry-run",
    dry_run: true,
  });
  expectTreesEqual(srcBefore, src, { metadata: true });
  expectTreesEqual(dstBefore, dst, { metadata: true });
});

test.concurrent("--dry-run to a missing destination does not create it", async () => {
  using tmp = makeTempDir("mirror-dry-run-missing");
  const src = join(tmp.path, "src");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  const before = snapshotTree(tmp.path);
  const r = await runCli(["mirror", "--dry-run", `${src}/`, join(tmp.path, "dst")]);
  expectExit(r, 0);
  expectTreesEqual(before, tmp.path, { metadata: true });
});
