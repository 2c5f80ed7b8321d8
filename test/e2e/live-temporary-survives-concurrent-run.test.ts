// SPEC §3: a live writer's temporary is never removed by a concurrent run. While a push of one big
// file fills its temporary in a module directory, a second single-file push into the same
// directory (single-file runs may share a directory) cleans that directory's stale temporaries:
// the live one stays, and the first push still lands byte-exact.
import { expect, test } from "bun:test";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { BLIT, expectExit, REPO_ROOT, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const BIG = 2 * 2 ** 30; // allocated zeros at the source, written for real: seconds of pushing

test("a concurrent run's cleaning leaves a live writer's temporary alone", async () => {
  using dir = makeTempDir("live-temp");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  bigTree(src, BIG);
  writeTree(dir.path, { "small.txt": "small" });
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const first = Bun.spawn([BLIT, "copy", join(src, "big.bin"), `${daemon.control}:/m/`], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "pipe" });
  try {
    const live = await pollUntil(() => temporariesUnder(mod)[0] ?? (first.exitCode !== null ? null : undefined), "the first push's temporary", 30_000);
    if (live === null) throw new Error(`the first push ended (exit ${first.exitCode}) before its temporary was seen: ${await new Response(first.stderr).text()}`);
    expectExit(await runCli(["copy", join(dir.path, "small.txt"), `${daemon.control}:/m/`]), 0);
    const stillWriting = first.exitCode === null;
    expect(await first.exited).toBe(0);
    expect({ stillWritingDuringTheSecond: stillWriting, landed: statSync(join(mod, "big.bin")).size, temporaries: temporariesUnder(mod) }).toEqual({ stillWritingDuringTheSecond: true, landed: BIG, temporaries: [] });
  } finally {
    first.kill();
  }
}, 120_000);
