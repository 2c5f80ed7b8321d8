// SPEC §3 "Atomic writes": temporaries left by a killed run are removed by the next run that writes
// into their directory. Liveness is the writer's lock on its temporary, never a process id: a
// temporary whose name holds this very process's pid goes when nobody holds its lock, and one a
// live writer holds locked stays.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { holdLikeWriter } from "../harness/temp-lock.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const LIVE_PID = process.pid.toString(36);

test.concurrent("an unlocked temporary goes, a locked one stays, none is copied", async () => {
  using tmp = makeTempDir("stale-temps");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "name.txt": "real", "sub/other.txt": "real too", [`.blit-tmp-${LIVE_PID}.9-in-source`]: "never copied" });
  writeTree(dst, {
    [`.blit-tmp-${LIVE_PID}.1-name.txt`]: "half-written, its pid alive",
    [`sub/.blit-tmp-1.2-other.txt`]: "half-written by pid 1",
    [`.blit-tmp-zzzz.1-name`]: "half-written",
    [`.blit-tmp-${LIVE_PID}.3-busy.txt`]: "another run is writing this",
  });
  using _busy = holdLikeWriter(join(dst, `.blit-tmp-${LIVE_PID}.3-busy.txt`));
  const r = await runCli(["copy", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual([`.blit-tmp-${LIVE_PID}.3-busy.txt`, "name.txt", "sub/", "sub/other.txt"]);
});

test.concurrent("a single-file copy cleans the directory it writes into", async () => {
  using tmp = makeTempDir("stale-temps-one");
  const dst = join(tmp.path, "dst");
  writeTree(tmp.path, { "one.txt": "one" });
  writeTree(dst, { [`.blit-tmp-1.0-big.iso`]: "hundreds of MiB once", "keep/.blit-tmp-1.0-x": "not written into" });
  const r = await runCli(["copy", join(tmp.path, "one.txt"), `${dst}/`]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["keep/", "keep/.blit-tmp-1.0-x", "one.txt"]);
});
