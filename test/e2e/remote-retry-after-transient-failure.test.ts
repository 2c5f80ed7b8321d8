// SPEC §3 "--retry N, --wait SECS": a transient network failure re-runs the verb, and the re-run
// compares again. A daemon that is not listening yet is exit 6 without --retry; with it, the run
// succeeds once a daemon comes up on that port. A daemon killed (-9) mid-push and restarted on the
// same port lets the retried push converge byte-exact with no temporary left.
// The daemon is started only after the CLI printed its first retry notice; the CLI then retries
// every second up to 10 times, which bounds how long the daemon may take to start.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { BLIT, expectExit, REPO_ROOT, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const RETRY = ["--retry", "10", "--wait", "1"];
const NOTICE = /retrying in 1 s \(retry 1 of 10\)/;

test("no daemon yet: exit 6 without --retry; with --retry the run lands once a daemon listens", async () => {
  using dir = makeTempDir("remote-retry-unreachable");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  mkdirSync(mod);
  const port = freePort();
  const remote = `127.0.0.1:${port}:/m/`;
  expectExit(await runCli(["copy", `${src}/`, remote]), 6);
  const cli = spawnCli(["copy", "--json", ...RETRY, `${src}/`, remote]);
  await pollUntil(() => (NOTICE.test(cli.stderr()) ? true : cli.proc.exitCode !== null ? false : undefined), "the first retry notice", 30_000);
  await using _daemon = await startDaemon({ modules: { m: { path: mod } }, args: ["--port", String(port)] });
  expect(await cli.finished).toBe(0);
  const summary = JSON.parse(cli.stdout()) as { files_transferred: number; attempts: number };
  expect({ transferred: summary.files_transferred, retried: summary.attempts > 1 }).toEqual({ transferred: 2, retried: true });
  expectTreesEqual(src, mod, { metadata: true, ignoreRoot: true });
}, 60_000);

test("daemon killed mid-push and restarted on the same port: the retried push converges", async () => {
  using dir = makeTempDir("remote-retry-killed");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  bigTree(src, 96 << 20);
  // The restarted daemon keeps its TLS identity (its state directory), as a real one would.
  const state = join(dir.path, "state");
  mkdirSync(state);
  const first = await startDaemon({ modules: { m: { path: mod } }, args: ["--state-dir", state] });
  const cli = spawnCli(["copy", ...RETRY, `${src}/`, `${first.control}:/m/`]);
  await pollUntil(() => (temporariesUnder(mod).length > 0 ? true : cli.proc.exitCode !== null ? false : undefined), "a temporary in the module", 30_000);
  expect(await first.stop("SIGKILL")).not.toBe(0);
  await pollUntil(() => (/retrying in/.test(cli.stderr()) ? true : cli.proc.exitCode !== null ? false : undefined), "a retry notice", 30_000);
  await using _second = await startDaemon({ modules: { m: { path: mod } }, args: ["--port", String(first.port), "--state-dir", state] });
  expect({ exit: await cli.finished, stderr: cli.stderr() }).toMatchObject({ exit: 0 });
  expectTreesEqual(src, mod, { metadata: true, ignoreRoot: true });
  expect(temporariesUnder(mod)).toEqual([]);
}, 90_000);

// --- internal ---

/** A port nothing listens on right now (bound on port 0, then released). */
function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/** `blit ...args` running in the background, its output collected as it comes; `finished`: its exit code, output read. */
function spawnCli(args: string[]): { proc: Bun.Subprocess<"ignore", "pipe", "pipe">; finished: Promise<number>; stdout: () => string; stderr: () => string } {
  const proc = Bun.spawn([BLIT, ...args], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1", NO_COLOR: "1" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const text = { out: "", err: "" };
  const collect = async (stream: ReadableStream<Uint8Array>, key: "out" | "err") => {
    const decoder = new TextDecoder();
    for await (const c of stream) text[key] += decoder.decode(c, { stream: true });
  };
  const finished = Promise.all([proc.exited, collect(proc.stdout, "out"), collect(proc.stderr, "err")]).then(([code]) => code);
  return { proc, finished, stdout: () => text.out, stderr: () => text.err };
}
