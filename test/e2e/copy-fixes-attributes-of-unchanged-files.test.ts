// SPEC §3 "Compare" with rsync -a's habit: a file whose content is kept (same size and mtime, or
// --size-only) still gets the source's mode and mtime, without its data being copied again.
import { expect, test } from "bun:test";
import { chmodSync, statSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test.concurrent("a mode change alone is applied, the file is not re-sent", async () => {
  using tmp = makeTempDir("fix-mode");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.sh": { content: "#!/bin/sh\n", mode: 0o755, mtime: 1_700_000_000n * 1_000_000_000n } });
  expectExit(await runCli(["copy", `${src}/`, dst]), 0);
  chmodSync(join(dst, "a.sh"), 0o600);
  const r = await runCli(["copy", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 0, files_skipped: 1 });
  expect(statSync(join(dst, "a.sh")).mode & 0o777).toBe(0o755);
});

test.concurrent("--size-only keeps the data and sets the source mtime", async () => {
  using tmp = makeTempDir("fix-mtime");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  const t = 1_600_000_000_123_456_789n;
  writeTree(src, { "f.txt": { content: "new!", mtime: t } });
  writeTree(dst, { "f.txt": { content: "old.", mtime: t + 5_000_000_000n } });
  const r = await runCli(["copy", "--json", "--size-only", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 0 });
  expect(await Bun.file(join(dst, "f.txt")).text()).toBe("old.");
  expect(statSync(join(dst, "f.txt"), { bigint: true }).mtimeNs).toBe(t);
});
