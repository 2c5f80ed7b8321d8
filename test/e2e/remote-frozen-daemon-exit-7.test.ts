// SPEC §4 "Stall detector": a daemon that stops answering (SIGSTOP: its kernel still holds the
// connections open, nothing comes back) ends the run with exit 7 within 30 s, in every phase, on
// push and pull, naming the daemon and the phase — never a wait without end. Covered: session
// start, file data (TCP and gRPC data), the delete phase of a mirror, and a delegated pull whose
// source daemon freezes (the destination daemon ends its pull and removes its temporaries).
import { expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { pollUntil, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { BLIT, REPO_ROOT } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

/** SPEC §4: exit 7 within this long after the peer froze. */
const WINDOW_MS = 30_000;
const BIG = 1 << 30; // allocated zeros at the source, moved at PACE: the transfer outlasts the freeze by far
/** The data-flow cases run at this rate (1 GiB takes 16 s) so a fast machine cannot finish before the freeze. */
const PACE = ["--bwlimit", "64M"];

interface Frozen {
  readonly exitCode: number;
  readonly stderr: string;
  readonly afterFreezeMs: number;
}

/** Runs `blit VERB --yes [flags] from to` (copy), freezes `daemon` once `when()` holds (at once without it), and waits for the exit. */
async function freezeDuring(daemon: RunningDaemon, from: string, to: string, when: (() => boolean) | null, verb = "copy", flags: readonly string[] = []): Promise<Frozen> {
  if (when === null) process.kill(daemon.pid, "SIGSTOP");
  const t0 = performance.now();
  const run = Bun.spawn([BLIT, verb, "--yes", ...flags, from, to], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "pipe" });
  const stderr = new Response(run.stderr).text();
  let frozenAt = t0;
  try {
    if (when !== null) {
      await pollUntil(() => (when() ? true : run.exitCode !== null ? false : undefined), "the transfer under way", 30_000);
      process.kill(daemon.pid, "SIGSTOP");
      frozenAt = performance.now();
    }
    const bound = setTimeout(() => run.kill("SIGKILL"), 2 * WINDOW_MS);
    const exitCode = await run.exited;
    clearTimeout(bound);
    return { exitCode, stderr: await stderr, afterFreezeMs: performance.now() - frozenAt };
  } finally {
    process.kill(daemon.pid, "SIGCONT");
  }
}

async function setup(name: string): Promise<{ src: string; mod: string; out: string; daemon: RunningDaemon; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = makeTempDir(name);
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  const out = join(dir.path, "out");
  mkdirSync(mod);
  const daemon = await startDaemon({ modules: { m: { path: mod } } });
  return { src, mod, out, daemon, [Symbol.asyncDispose]: async () => (await daemon.stop("SIGKILL"), dir[Symbol.dispose]()) };
}

const expectFrozenExit = (r: Frozen, daemon: RunningDaemon, phase: RegExp): void => {
  expect({ exit: r.exitCode, inWindow: r.afterFreezeMs < WINDOW_MS, namesDaemon: r.stderr.includes(daemon.control), phase: phase.test(r.stderr) }).toEqual({ exit: 7, inWindow: true, namesDaemon: true, phase: true });
};

test.concurrent("push to a daemon frozen before the session starts exits 7", async () => {
  await using s = await setup("frozen-push-start");
  bigTree(s.src, 1 << 20);
  const r = await freezeDuring(s.daemon, `${s.src}/`, `${s.daemon.control}:/m/`, null);
  expectFrozenExit(r, s.daemon, /session was starting/);
}, 90_000);

test.concurrent("push to a daemon frozen while file data flows exits 7", async () => {
  await using s = await setup("frozen-push-data");
  bigTree(s.src, BIG);
  const r = await freezeDuring(s.daemon, `${s.src}/`, `${s.daemon.control}:/m/`, () => temporariesUnder(s.mod).length > 0, "copy", PACE);
  expectFrozenExit(r, s.daemon, /copy phase/);
}, 90_000);

test.concurrent("pull from a daemon frozen before the session starts exits 7", async () => {
  await using s = await setup("frozen-pull-start");
  bigTree(s.mod, 1 << 20);
  const r = await freezeDuring(s.daemon, `${s.daemon.control}:/m/`, s.out, null);
  expectFrozenExit(r, s.daemon, /session was starting/);
}, 90_000);

test.concurrent("pull from a daemon frozen while file data flows exits 7", async () => {
  await using s = await setup("frozen-pull-data");
  bigTree(s.mod, BIG);
  const r = await freezeDuring(s.daemon, `${s.daemon.control}:/m/`, s.out, () => temporariesUnder(s.out).length > 0, "copy", PACE);
  expectFrozenExit(r, s.daemon, /copy phase/);
  expect(temporariesUnder(s.out)).toEqual([]);
}, 90_000);

test.concurrent("mirror to a daemon frozen while it deletes exits 7", async () => {
  await using s = await setup("frozen-push-delete");
  mkdirSync(s.src);
  const old = join(s.mod, "old");
  mkdirSync(old);
  const FILES = 30_000;
  for (let i = 0; i < FILES; i++) writeFileSync(join(old, `f${i}`), "");
  const remaining = () => {
    try {
      return readdirSync(old).length;
    } catch {
      return 0;
    }
  };
  const r = await freezeDuring(s.daemon, `${s.src}/`, `${s.daemon.control}:/m/`, () => remaining() < FILES, "mirror");
  expectFrozenExit(r, s.daemon, /delete phase/);
  expect(remaining()).toBeGreaterThan(0);
}, 90_000);

test.concurrent("push over gRPC data to a daemon frozen while file data flows exits 7", async () => {
  await using s = await setup("frozen-push-grpc-data");
  bigTree(s.src, BIG);
  const r = await freezeDuring(s.daemon, `${s.src}/`, `${s.daemon.control}:/m/`, () => temporariesUnder(s.mod).length > 0, "copy", ["--force-grpc-data", ...PACE]);
  expectFrozenExit(r, s.daemon, /copy phase/);
}, 90_000);

test.concurrent("a delegated pull from a source daemon frozen while file data flows exits 7", async () => {
  await using s = await setup("frozen-delegated-source");
  bigTree(s.mod, BIG);
  const dest = join(s.out, "..", "dest");
  mkdirSync(dest);
  await using puller = await startDaemon({ modules: { d: { path: dest } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } });
  const r = await freezeDuring(s.daemon, `${s.daemon.control}:/m/`, `${puller.control}:/d/`, () => temporariesUnder(dest).length > 0, "copy", PACE);
  expectFrozenExit(r, s.daemon, /copy phase/);
  expect(r.stderr).not.toContain("relaying");
  await pollUntil(() => (temporariesUnder(dest).length === 0 ? true : undefined), () => `the puller's temporaries removed (${temporariesUnder(dest).join(", ")})`, WINDOW_MS);
}, 90_000);
