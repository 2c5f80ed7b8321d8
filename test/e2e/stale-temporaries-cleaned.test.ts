// SPEC §3 "Atomic writes": temporaries left by a killed run are removed by the next run that writes
// into their directory. Liveness is the writer's lock on its temporary, never a process id: a
// temporary whose name holds this very process's pid goes when nobody holds its lock, and one a
// live writer holds locked stays. A new directory a killed local copy was filling under its temporary
// name (`.blit-tmp-<token>.dir-<name>`) goes with what is inside; any other directory stays.
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

test.concurrent("a killed copy's staged directory goes with its contents; a live one and other directories stay", async () => {
  using tmp = makeTempDir("stale-staged");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "photos/a.jpg": "a", "new.txt": "new" });
  writeTree(dst, {
    ".blit-tmp-zzzz.7.dir-photos/a.jpg": "complete, never renamed into place",
    ".blit-tmp-zzzz.7.dir-photos/deep/b.jpg": "b",
    ".blit-tmp-zzzz.8.dir-busy/x": "another run is filling this",
    ".blit-tmp-mine/kept.txt": "a directory of the user's, not blit's staged one",
  });
  using _busy = holdLikeWriter(join(dst, ".blit-tmp-zzzz.8.dir-busy"));
  const r = await runCli(["copy", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual([".blit-tmp-mine/", ".blit-tmp-mine/kept.txt", ".blit-tmp-zzzz.8.dir-busy/", ".blit-tmp-zzzz.8.dir-busy/x", "new.txt", "photos/", "photos/a.jpg"]);
});
