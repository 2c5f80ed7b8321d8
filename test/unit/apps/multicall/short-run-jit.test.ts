// The client programs re-execute themselves once with JavaScriptCore's FTL tier off
// (src/apps/multicall/short-run-jit.ts): same PID, the exact argv, the option in the new process's
// initial environment, and neither variable left in process.env. A caller's own BUN_JSC_useFTLJIT is
// left alone (no re-exec).
import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../../harness/temp-tree.ts";

const MODULE = join(import.meta.dir, "../../../../src/apps/multicall/short-run-jit.ts");

const NONE = "0000000000000000";

interface Start {
  readonly phase: "before" | "after";
  readonly sigBlk: string;
  readonly pid: number;
  readonly argv: string[];
  readonly initialFtl: string | null;
  readonly envFtl: string | null;
  readonly envMark: string | null;
  readonly comm: string;
}

/** Runs the probe with exactly `env`; returns its log lines. */
function runProbe(env: Record<string, string | undefined>): Start[] {
  using dir = makeTempDir("short-run-jit");
  const log = join(dir.path, "starts.ndjson");
  const probe = join(dir.path, "probe.ts");
  writeFileSync(
    probe,
    `import { appendFileSync, readFileSync } from "node:fs";
import { execWithoutFtl } from ${JSON.stringify(MODULE)};
const initial = readFileSync("/proc/self/environ", "latin1").split("\\0").find((e) => e.startsWith("BUN_JSC_useFTLJIT="));
const sigBlk = () => readFileSync("/proc/self/status", "utf8").match(/^SigBlk:\\s*(\\S+)/m)?.[1];
const line = (phase) => JSON.stringify({ phase, sigBlk: sigBlk(), pid: process.pid, initialFtl: initial?.slice("BUN_JSC_useFTLJIT=".length) ?? null, argv: process.argv.slice(3), envFtl: process.env.BUN_JSC_useFTLJIT ?? null, envMark: process.env.BLIT_SHORT_RUN_JIT ?? null, comm: readFileSync("/proc/self/comm", "utf8").trim() }) + "\\n";
appendFileSync(process.argv[2], line("before"));
execWithoutFtl();
appendFileSync(process.argv[2], line("after"));
`,
  );
  const p = Bun.spawnSync([process.execPath, probe, log, "two words", "ünïcode", ""], { env, stdout: "pipe", stderr: "pipe" });
  expect(p.stderr.toString()).toBe("");
  expect(p.exitCode).toBe(0);
  return readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Start);
}

test("re-executes once, same PID, argv and process name, FTL off in the new process, neither variable left in process.env", () => {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.BUN_JSC_useFTLJIT;
  delete env.BLIT_SHORT_RUN_JIT;
  const lines = runProbe(env);
  const argv = ["two words", "ünïcode", ""];
  const pid = lines[0]?.pid ?? -1;
  const comm = lines[0]?.comm ?? "";
  expect(comm).not.toBe("exe");
  const mark = `1:${Buffer.from(comm).toString("hex")}`;
  expect(lines).toEqual([
    { phase: "before", sigBlk: NONE, pid, initialFtl: null, argv, envFtl: null, envMark: null, comm },
    // SIGPWR was blocked across execve; the new runtime runs with it unblocked. The kernel named the
    // new image after /proc/self/exe until the name it had is written back.
    { phase: "before", sigBlk: NONE, pid, initialFtl: "0", argv, envFtl: "0", envMark: mark, comm: "exe" },
    { phase: "after", sigBlk: NONE, pid, initialFtl: "0", argv, envFtl: null, envMark: null, comm },
  ]);
});

test("a caller's own BUN_JSC_useFTLJIT is kept and no re-exec happens", () => {
  const lines = runProbe({ ...process.env, BUN_JSC_useFTLJIT: "1" });
  const argv = ["two words", "ünïcode", ""];
  const pid = lines[0]?.pid ?? -1;
  const comm = lines[0]?.comm ?? "";
  expect(lines).toEqual([
    { phase: "before", sigBlk: NONE, pid, initialFtl: "1", argv, envFtl: "1", envMark: null, comm },
    { phase: "after", sigBlk: NONE, pid, initialFtl: "1", argv, envFtl: "1", envMark: null, comm },
  ]);
});
