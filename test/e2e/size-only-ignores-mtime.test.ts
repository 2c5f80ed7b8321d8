// SPEC §3 "Compare": --size-only skips files whose sizes are equal, whatever their mtime or content.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test.concurrent("equal sizes skip, different sizes send", async () => {
  using tmp = makeTempDir("size-only");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, {
    "same-size.txt": { content: "new!", mtime: 1_700_000_000_000_000_000n },
    "other-size.txt": { content: "longer now", mtime: 1_700_000_000_000_000_000n },
  });
  writeTree(dst, {
    "same-size.txt": { content: "old!", mtime: 1_600_000_000_000_000_000n },
    "other-size.txt": { content: "short", mtime: 1_600_000_000_000_000_000n },
  });
  const r = await runCli(["copy", "--size-only", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_examined: 2, files_transferred: 1, files_skipped: 1 });
  expect({
    same: readFileSync(join(dst, "same-size.txt"), "utf8"),
    other: readFileSync(join(dst, "other-size.txt"), "utf8"),
  }).toEqual({ same: "old!", other: "longer now" });
});
