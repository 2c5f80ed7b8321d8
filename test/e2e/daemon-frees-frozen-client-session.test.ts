// SPEC §4: the daemon frees a frozen client's session within the stall window. A client stopped
// with SIGSTOP mid-push (its kernel keeps every connection open, nothing more comes) loses its
// session: the temporary it was filling is removed, and the daemon serves the next push. One
// stopped mid-pull (it no longer reads what the daemon sends) loses it too: the daemon closes the
// file it was sending, and serves the next pull.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { openFds, pollUntil, pushInFlight, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { BLIT, expectExit, REPO_ROOT, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

/** SPEC §4 window, plus the time this loaded machine needs to notice the daemon's state. */
const WINDOW_MS = 30_000;

test("a client frozen mid-push: the daemon removes its temporary within the window", async () => {
  using dir = makeTempDir("frozen-client");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  bigTree(src, 1 << 30);
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

test("a client frozen mid-pull: the daemon closes the file it was sending within the window", async () => {
  using dir = makeTempDir("frozen-pull-client");
  const mod = join(dir.path, "mod");
  const out = join(dir.path, "out");
  bigTree(mod, 1 << 30);
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const sending = () => openFds(daemon.pid).some((t) => t.endsWith("/mod/big.bin"));
  const pull = Bun.spawn([BLIT, "copy", `${daemon.control}:/m/`, out], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "ignore" });
  try {
    const inFlight = await pollUntil(() => (temporariesUnder(out).length > 0 && sending() ? true : pull.exitCode !== null ? false : undefined), "the pull under way", 30_000);
    expect(inFlight).toBe(true);
    pull.kill("SIGSTOP");
    const frozenAt = performance.now();
    const freed = await pollUntil(() => (sending() ? undefined : performance.now() - frozenAt), "the daemon closing big.bin", 2 * WINDOW_MS);
    expect(freed).toBeLessThan(WINDOW_MS);
    const again = await runCli(["copy", `${daemon.control}:/m/a.txt`, join(dir.path, "again/")]);
    expectExit(again, 0);
  } finally {
    pull.kill("SIGKILL");
    await pull.exited;
  }
}, 90_000);
