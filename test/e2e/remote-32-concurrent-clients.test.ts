// SPEC §5 limits and §6 sessions: 32 clients pushing different small trees to one daemon at once
// all land byte-exact, and the daemon's open file descriptors return to their baseline after.
// Each client may retry once (--retry): 32 Bun start-ups from the sources on a 2-core machine can
// starve the daemon past the 10 s stall detector (compiled clients never stalled in 3 × 32 runs).
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { openFds, pollUntil } from "../harness/process-probe.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const CLIENTS = 32;

test(`${CLIENTS} concurrent pushes: all byte-exact, descriptors back to the baseline`, async () => {
  using dir = makeTempDir("remote-concurrent");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  for (let c = 0; c < CLIENTS; c++) {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`d${i % 3}/f${i}.txt`] = `client ${c} file ${i}\n`.repeat(1 + ((c * 7 + i) % 50));
    writeTree(join(dir.path, `src${c}`), files);
  }
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  // One session first, so lazily opened descriptors (worker pool, module root) are in the baseline.
  expectExit(await runCli(["copy", `${join(dir.path, "src0")}/`, `${daemon.control}:/m/warm/`]), 0);
  const baseline = openFds(daemon.pid).length;
  const runs = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => runCli(["copy", `${join(dir.path, `src${c}`)}/`, `${daemon.control}:/m/c${c}/`, "--json", "--retry", "2", "--wait", "1"])));
  for (const [c, r] of runs.entries()) {
    expectExit(r, 0);
    expect(r.json).toMatchObject({ files_transferred: 20, outcome: "success" });
    expectTreesEqual(join(dir.path, `src${c}`), join(mod, `c${c}`));
  }
  const back = () => (openFds(daemon.pid).length <= baseline ? true : undefined);
  await pollUntil(back, () => `descriptors back to ${baseline}: ${openFds(daemon.pid).join(" ")}`, 20_000);
}, 120_000);
