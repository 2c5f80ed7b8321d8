// SPEC §3: FIFOs, sockets and devices are skipped with one warning each; for move that is not a
// failure (exit 0) and they stay in the source.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, stderrLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

test.concurrent("a FIFO in the source: exit 0, it stays, one warning names it", async () => {
  using tmp = makeTempDir("move-fifo");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  const mk = Bun.spawnSync(["mkfifo", join(src, "sub/pipe")]);
  expect(mk.exitCode).toBe(0);
  const r = await runCli(["move", "--yes", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(src)).toEqual(["sub/", "sub/pipe"]);
  expect(listTree(dst)).toEqual(["a.txt", "sub/", "sub/b.txt"]);
  expect(stderrLines(r).filter((line) => line.includes("pipe"))).toHaveLength(1);
});
