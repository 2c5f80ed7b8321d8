// SPEC §3: -v prints one line per file changed or deleted (and nothing for unchanged files).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, stdoutLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const SAME = { content: "same", mtime: 1_600_000_000_000_000_000n };

test.concurrent("mirror -v lists each copied and each deleted path once, not the unchanged one", async () => {
  using tmp = makeTempDir("verbose");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "new.txt": "n", "sub/changed.txt": { content: "v2", mtime: 1_700_000_000_000_000_000n }, "unchanged.txt": SAME });
  writeTree(dst, { "sub/changed.txt": { content: "v1", mtime: 1_600_000_000_000_000_000n }, "unchanged.txt": SAME, "stale.txt": "s" });
  const r = await runCli(["mirror", "--yes", "-v", `${src}/`, dst]);
  expectExit(r, 0);
  const lines = stdoutLines(r);
  const mentioning = (path: string) => lines.filter((l) => l.includes(path));
  expect({
    new: mentioning("new.txt").length,
    changed: mentioning("sub/changed.txt").length,
    stale: mentioning("stale.txt").length,
    unchanged: mentioning("unchanged.txt").length,
  }).toEqual({ new: 1, changed: 1, stale: 1, unchanged: 0 });
  expect(mentioning("stale.txt")[0]).toMatch(/delet/i);
});

test.concurrent("a second copy -v of an unchanged tree lists no file", async () => {
  using tmp = makeTempDir("verbose-quiet");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  const first = await runCli(["copy", `${src}/`, dst]);
  expectExit(first, 0);
  const r = await runCli(["copy", "-v", `${src}/`, dst]);
  expectExit(r, 0);
  expect(stdoutLines(r).filter((l) => l.includes("a.txt") || l.includes("b.txt"))).toEqual([]);
});
