// SPEC §3 "Compare": the quick check skips a same-size same-mtime file; --checksum/-c compares
// content and sends it when it differs.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

const MTIME = 1_600_000_000_123_456_789n;

test.concurrent("-c sends the file the quick check skipped", async () => {
  using tmp = makeTempDir("checksum");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "f.txt": { content: "AAAA", mtime: MTIME }, "same.txt": { content: "same", mtime: MTIME } });
  writeTree(dst, { "f.txt": { content: "BBBB", mtime: MTIME }, "same.txt": { content: "same", mtime: MTIME } });

  const quick = await runCli(["copy", "--json", `${src}/`, dst]);
  expectExit(quick, 0);
  expect(summaryCounts(quick)).toMatchObject({ files_transferred: 0, files_skipped: 2 });
  expect(readFileSync(join(dst, "f.txt"), "utf8")).toBe("BBBB");

  const checked = await runCli(["copy", "-c", "--json", `${src}/`, dst]);
  expectExit(checked, 0);
  expect(summaryCounts(checked)).toMatchObject({ files_transferred: 1, files_skipped: 1, files_failed: 0 });
  expectTreesEqual(src, dst, { metadata: true, ignoreRoot: true });
});

test.concurrent("--checksum skips equal content even when mtimes differ", async () => {
  using tmp = makeTempDir("checksum-equal");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "f.txt": { content: "equal", mtime: MTIME } });
  writeTree(dst, { "f.txt": { content: "equal", mtime: MTIME + 5_000_000_000n } });
  const r = await runCli(["copy", "--checksum", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 0, files_skipped: 1 });
});
