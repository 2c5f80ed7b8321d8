// SPEC §3 "Atomic writes": temporaries left by a killed run are removed by the next run. The
// token after `.blit-tmp-` starts with the writer's pid in base 36; a live writer's are kept.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

/** A pid above the kernel's pid_max can belong to no process. */
const DEAD_PID = (Number(readFileSync("/proc/sys/kernel/pid_max", "utf8")) + 1).toString(36);
const LIVE_PID = process.pid.toString(36);

test.concurrent("a dead writer's temporaries go, a live writer's stay, none is copied", async () => {
  using tmp = makeTempDir("stale-temps");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "name.txt": "real", "sub/other.txt": "real too", [`.blit-tmp-${DEAD_PID}.9-in-source`]: "never copied" });
  writeTree(dst, {
    [`.blit-tmp-${DEAD_PID}.1-name.txt`]: "half-written",
    [`sub/.blit-tmp-${DEAD_PID}.2-other.txt`]: "half-written",
    [`.blit-tmp-zzzz.1-name`]: "half-written",
    [`.blit-tmp-${LIVE_PID}.3-busy.txt`]: "another run is writing this",
  });
  const r = await runCli(["copy", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual([`.blit-tmp-${LIVE_PID}.3-busy.txt`, "name.txt", "sub/", "sub/other.txt"]);
});
