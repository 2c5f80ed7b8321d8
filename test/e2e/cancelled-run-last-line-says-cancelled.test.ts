// Issue 15 (progress): Ctrl-C in the middle of a transfer ends the progress display with a line
// that says "cancelled" and shows no ETA — the live line (-p) stays on screen as the last one
// before `blit: cancelled`, and the last `--json -p` record has phase "cancelled", eta_sec null.
// The push runs through a rate-limited loopback in a namespace, so it is surely mid-file.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { startDaemon } from "../harness/daemon.ts";
import { deleteCreatedNetns } from "../harness/netns.ts";
import { BLIT } from "../harness/run-cli.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { createSlowLink, slowLinkUnavailableReason } from "../harness/slow-link.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const reason = slowLinkUnavailableReason();
const WAIT_MS = 60_000;
afterAll(deleteCreatedNetns);

/** Runs the push (16 MiB at 16 Mbit/s: ~8 s), sends SIGINT once stderr shows copy progress, returns the exit code and stderr. */
async function interruptedPush(flags: string[]): Promise<{ code: number; err: string }> {
  using dir = makeTempDir("cancel-line");
  writeTree(dir.path, { "src/big.bin": randomBytes(16 << 20), "src/small.txt": "s" });
  mkdirSync(`${dir.path}/dst`);
  await using link = await createSlowLink("16mbit");
  await using daemon = await startDaemon({ modules: { m: { path: `${dir.path}/dst` } }, launch: link.exec });
  const proc = Bun.spawn(link.exec([BLIT, "copy", `${dir.path}/src/`, `${daemon.control}:/m/`, "--yes", ...flags]), {
    env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" },
    stdout: "ignore",
    stderr: "pipe",
  });
  let err = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  const deadline = Date.now() + WAIT_MS;
  while (!/\x1b\[Kcopy |"phase":"copy"/.test(err)) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`no copy progress within ${WAIT_MS} ms; stderr:\n${err}`);
    await Bun.sleep(20);
  }
  proc.kill("SIGINT");
  const code = await proc.exited;
  await reading;
  return { code, err };
}

test.skipIf(reason !== null)(`--json -p: the last progress record of a cancelled push says cancelled, without ETA${reason === null ? "" : ` (skipped: ${reason})`}`, async () => {
  const { code, err } = await interruptedPush(["--json", "-p"]);
  const progress = err.split("\n").filter((l) => l.startsWith('{"type":"progress"')).map((l) => JSON.parse(l) as { phase: string; eta_sec: number | null });
  expect({ code, last: progress.at(-1), tail: err.trimEnd().split("\n").at(-1) }).toEqual({ code: 130, last: expect.objectContaining({ phase: "cancelled", eta_sec: null }), tail: "blit: cancelled" });
}, 120_000);

test.skipIf(reason !== null)(`-p: the live line of a cancelled push ends as a "cancelled" line without ETA, then blit: cancelled${reason === null ? "" : ` (skipped: ${reason})`}`, async () => {
  const { code, err } = await interruptedPush(["-p"]);
  const lines = err.split(/\r|\n/).map((l) => l.replaceAll("\x1b[K", "").trimEnd()).filter((l) => l !== "");
  expect({ code, lastTwo: lines.slice(-2) }).toEqual({ code: 130, lastTwo: [expect.stringMatching(/^cancelled +\d+\/\d+ files .*big\.bin$/), "blit: cancelled"] });
  expect(lines.at(-2)).not.toContain("ETA");
}, 120_000);
