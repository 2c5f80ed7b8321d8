// SPEC §4: the daemon frees a frozen client's session within the stall window. A client stopped
// with SIGSTOP mid-push (its kernel keeps every connection open, nothing more comes) loses its
// session: the temporary it was filling is removed, and the daemon serves the next push.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil, pushInFlight, sparseTree, temporariesUnder } from "../harness/process-probe.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

/** SPEC §4 window, plus the time this loaded machine needs to notice the daemon's state. */
const WINDOW_MS = 30_000;

test("a client frozen mid-push: the daemon removes its temporary within the window", async () => {
  using dir = makeTempDir("frozen-client");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  sparseTree(src, 1 << 30);
  writeTree(join(dir.path, "warm"), { "w.txt": "w" });
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const push = await pushInFlight(src, `${daemon.control}:/m/`, mod);
  try {
    push.kill("SIGSTOP");
    const frozenAt = performance.now();
    const freed = await pollUntil(
      () => (temporariesUnder(mod).length === 0 ? performance.now() - frozenAt : undefined),
      () => `the frozen client's temporary removed (${temporariesUnder(mod).join(", ")})`,
      2 * WINDOW_MS,
    );
    expect(freed).toBeLessThan(WINDOW_MS);
    expectExit(await runCli(["copy", join(dir.path, "warm/w.txt"), `${daemon.control}:/m/again/`]), 0);
  } finally {
    push.kill("SIGKILL");
    await push.exited;
  }
}, 90_000);
