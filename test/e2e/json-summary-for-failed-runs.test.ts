// SPEC §3 "Output": with --json, every run that got past argument parsing prints exactly one summary
// object on stdout — failed and cancelled ones included — naming how it ended: `outcome`, `error`
// ({code, message}, null for a finished run), `exit_code` and `attempts` (runs of the verb, --retry).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { pollUntil, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { BLIT, expectExit, REPO_ROOT, runCli, stdoutLines, SUMMARY_KEYS, type CliResult } from "../harness/run-cli.ts";
import { mountSmallFs, SMALL_FS } from "../harness/small-fs.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let tmp: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  tmp = makeTempDir("json-failed");
  writeTree(tmp.path, { "src/a.txt": "a", "ro/keep.txt": "k" });
  mkdirSync(join(tmp.path, "rw"));
  daemon = await startDaemon({ modules: { ro: { path: join(tmp.path, "ro"), readOnly: true }, rw: { path: join(tmp.path, "rw") } } });
});
afterAll(async () => {
  await daemon.stop();
  tmp[Symbol.dispose]();
});

/** The one object on stdout, checked to have every summary field. */
function onlySummary(r: CliResult): Record<string, unknown> {
  expect(stdoutLines(r)).toHaveLength(1);
  expect(Object.keys(r.json ?? {}).sort()).toEqual([...SUMMARY_KEYS]);
  return r.json!;
}

test.concurrent("a missing source: exit 3 and one object with outcome failed and the NOT_FOUND error", async () => {
  const r = await runCli(["copy", "--json", join(tmp.path, "missing/"), join(tmp.path, "out")]);
  expectExit(r, 3);
  expect(onlySummary(r)).toMatchObject({ outcome: "failed", exit_code: 3, attempts: 1, route: "local", error: { code: "NOT_FOUND", message: expect.stringContaining("missing") } });
});

test.concurrent("an unreachable daemon with --retry 2: exit 6, one object, attempts 3", async () => {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  const r = await runCli(["copy", "--json", "--retry", "2", "--wait", "0", `${join(tmp.path, "src")}/`, `127.0.0.1:${port}:/m/`]);
  expectExit(r, 6);
  expect(onlySummary(r)).toMatchObject({ outcome: "failed", exit_code: 6, attempts: 3, route: "push", error: { code: "UNREACHABLE" } });
});

test.concurrent("a push into a read-only module: exit 4, one object naming the refusal", async () => {
  const r = await runCli(["copy", "--json", `${join(tmp.path, "src")}/`, `${daemon.control}:/ro/`]);
  expectExit(r, 4);
  const s = onlySummary(r);
  expect(s).toMatchObject({ outcome: "failed", exit_code: 4, error: { code: expect.any(String), message: expect.stringMatching(/read-only/i) } });
});

test.concurrent("a mirror not confirmed (no terminal, no --yes): exit 11, one object", async () => {
  writeTree(join(tmp.path, "mirror-dst"), { "extra.txt": "x" });
  const r = await runCli(["mirror", "--json", `${join(tmp.path, "src")}/`, join(tmp.path, "mirror-dst")]);
  expectExit(r, 11);
  expect(onlySummary(r)).toMatchObject({ outcome: "failed", exit_code: 11, error: { code: "NOT_CONFIRMED" } });
});

test.concurrent("a finished run says so: error null, exit_code 0, attempts 1", async () => {
  const r = await runCli(["copy", "--json", `${join(tmp.path, "src")}/`, join(tmp.path, "fine")]);
  expectExit(r, 0);
  expect(onlySummary(r)).toMatchObject({ outcome: "success", exit_code: 0, attempts: 1, error: null });
});

test("SIGINT during a push: exit 130 and one object with outcome cancelled", async () => {
  using src = makeTempDir("json-cancel-src");
  bigTree(src.path, 1 << 30);
  const mod = join(tmp.path, "rw");
  const proc = Bun.spawn([BLIT, "copy", "--json", `${src.path}/`, `${daemon.control}:/rw/cancel/`], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const out = new Response(proc.stdout).text();
  const err = new Response(proc.stderr).text();
  const seen = await pollUntil(() => (temporariesUnder(mod).length > 0 ? true : proc.exitCode !== null ? false : undefined), "a temporary in the module", 30_000);
  expect(seen).toBe(true);
  proc.kill("SIGINT");
  const r: CliResult = { args: ["copy", "--json"], exitCode: await proc.exited, stdout: await out, stderr: await err, json: JSON.parse((await out).trim() || "null") ?? undefined };
  expectExit(r, 130);
  expect(onlySummary(r)).toMatchObject({ outcome: "cancelled", exit_code: 130, error: { code: "CANCELLED" } });
});

describe.skipIf(!SMALL_FS.ok)(`full destination (${SMALL_FS.reason})`, () => {
  test("a full disk: exit 10, one object with the NO_SPACE error", async () => {
    await using small = mountSmallFs("json-no-space", "1m");
    using src = makeTempDir("json-no-space-src");
    writeTree(src.path, { "big.bin": randomBytes(4 * 1024 * 1024) });
    const r = await runCli(["copy", "--json", `${src.path}/`, join(small.path, "dst")]);
    expectExit(r, 10);
    expect(onlySummary(r)).toMatchObject({ outcome: "failed", exit_code: 10, error: { code: "NO_SPACE" } });
  });
});
