// SPEC §3 "Atomic writes": whether a temporary's writer is gone must not depend on process ids. A
// daemon running as PID 1 of its own PID namespace (as in a container) is killed with -9 mid-push,
// restarted as PID 1 again, and a push of the single file it was writing removes the killed
// daemon's temporary (its name holds no pid; nobody holds its lock any more).
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil, pushInFlight, allocatedFile, temporariesUnder } from "../harness/process-probe.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const SIZE = 96 << 20;
const inPidNamespace = (argv: string[]): string[] => ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", ...argv];

/** The daemon under `unshare --fork`: the host pid of the namespace's PID 1. */
const pid1Of = (unsharePid: number): Promise<number> =>
  pollUntil(() => {
    const kids = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, "utf8").trim();
    return kids === "" ? undefined : Number(kids.split(" ")[0]);
  }, "the daemon forked by unshare", 10_000);

test("kill -9 of a PID-1 daemon mid-push: a single-file re-run after restart removes its temporary", async () => {
  using dir = makeTempDir("pid1-daemon-kill");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  // Only the big file: every temporary the killed daemon leaves is in the directory the single-file re-run writes into.
  mkdirSync(src);
  allocatedFile(join(src, "big.bin"), SIZE);
  const first = await startDaemon({ modules: { m: { path: mod } }, launch: inPidNamespace });
  const daemonPid = await pid1Of(first.pid);
  expect(readFileSync(`/proc/${daemonPid}/status`, "utf8")).toMatch(/^NSpid:\s+\d+\s+1$/m);
  const push = await pushInFlight(src, `${first.control}:/m/`, mod);
  process.kill(daemonPid, "SIGKILL");
  await first.stop();
  expect(await push.exited).toBe(7);
  expect(temporariesUnder(mod).length).toBeGreaterThan(0);
  const second = await startDaemon({ modules: { m: { path: mod } }, launch: inPidNamespace });
  try {
    const again = await runCli(["copy", join(src, "big.bin"), `${second.control}:/m/`]);
    expectExit(again, 0);
    expect(temporariesUnder(mod)).toEqual([]);
  } finally {
    // unshare does not pass SIGTERM on: the daemon (PID 1 inside) gets it directly.
    process.kill(await pid1Of(second.pid), "SIGTERM");
    await second.stop();
  }
}, 90_000);
