// Issue 15 part 3: `--timeout SECS` is the stall window (rsync's --timeout): a run in which
// nothing moves for SECS seconds ends with exit 7 saying so (default 10 s). A push whose daemon is
// frozen (SIGSTOP) mid-file and a delegated remote→remote copy whose source daemon is frozen (the
// destination daemon's window comes from the client) each end after the 2 s asked for. The runs
// go through a rate-limited loopback in a namespace, so they are surely mid-file when the daemon
// stops (64 MiB at 200 Mbit/s: ~3 s; the meter moves in 8 MiB records, well inside 2 s).
import { afterAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { deleteCreatedNetns } from "../harness/netns.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { BLIT } from "../harness/run-cli.ts";
import { createSlowLink, slowLinkUnavailableReason } from "../harness/slow-link.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const reason = slowLinkUnavailableReason();
const WAIT_MS = 60_000;
afterAll(deleteCreatedNetns);

const skipNote = (why: string | null) => (why === null ? "" : ` (skipped: ${why})`);

test.skipIf(reason !== null)(`push: a daemon frozen mid-file ends the run after --timeout 2 with exit 7${skipNote(reason)}`, async () => {
  using dir = makeTempDir("timeout-push");
  writeTree(dir.path, { "src/big.bin": randomBytes(64 << 20) });
  mkdirSync(join(dir.path, "dst"));
  await using link = await createSlowLink("200mbit");
  await using daemon = await startDaemon({ modules: { m: { path: join(dir.path, "dst") } }, launch: link.exec });
  const run = await frozenRun(link.exec([BLIT, "copy", "--timeout", "2", "--json", "-p", `${join(dir.path, "src")}/`, `${daemon.control}:/m/`]), daemon);
  expect(run).toEqual({ code: 7, error: { code: "STALLED", message: expect.stringMatching(/^no progress for 2 s in the copy phase/) } });
}, 120_000);

test.skipIf(reason !== null)(`delegated: the destination daemon stops after the client's --timeout when the source daemon freezes${skipNote(reason)}`, async () => {
  using dir = makeTempDir("timeout-delegated");
  writeTree(dir.path, { "src/big.bin": randomBytes(64 << 20) });
  mkdirSync(join(dir.path, "dst"));
  await using link = await createSlowLink("200mbit");
  await using source = await startDaemon({ modules: { s: { path: join(dir.path, "src") } }, launch: link.exec });
  await using dest = await startDaemon({ modules: { d: { path: join(dir.path, "dst") } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] }, launch: link.exec });
  const run = await frozenRun(link.exec([BLIT, "copy", "--timeout", "2", "--json", "-p", `${source.control}:/s/`, `${dest.control}:/d/`]), source);
  expect(run).toEqual({ code: 7, error: { code: "STALLED", message: expect.stringMatching(/no progress for 2 s/) } });
}, 120_000);

// --- internal ---

/** Runs `argv`, freezes `daemon` (SIGSTOP) at the first copy progress with bytes, thaws it when the run ended. */
async function frozenRun(argv: string[], daemon: RunningDaemon): Promise<{ code: number; error: unknown }> {
  const proc = Bun.spawn(argv, { env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "pipe", stderr: "pipe" });
  let err = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  const out = new Response(proc.stdout).text();
  const deadline = Date.now() + WAIT_MS;
  try {
    while (!/"phase":"copy","files_done":\d+,"files_planned":\d+,"bytes_done":[1-9]/.test(err)) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`no copy progress within ${WAIT_MS} ms; stderr:\n${err}`);
      await Bun.sleep(20);
    }
    process.kill(daemon.pid, "SIGSTOP");
    const killer = setTimeout(() => proc.kill("SIGKILL"), WAIT_MS);
    const code = await proc.exited;
    clearTimeout(killer);
    await reading;
    const summary = JSON.parse((await out) || "{}") as { error?: unknown };
    return { code, error: summary.error };
  } finally {
    process.kill(daemon.pid, "SIGCONT");
  }
}
