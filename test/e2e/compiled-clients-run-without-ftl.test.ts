// The compiled client programs run with JavaScriptCore's FTL tier off (src/apps/multicall/
// short-run-jit.ts: one re-exec, same PID); the compiled daemon keeps the default tiers. Read from
// the running processes' initial environments (/proc/PID/environ shows the block of the last exec).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildRelease } from "../harness/compiled.ts";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil } from "../harness/process-probe.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const ftlOf = (pid: number): string | null | undefined => {
  let block: string;
  try {
    block = readFileSync(`/proc/${pid}/environ`, "latin1");
  } catch {
    return undefined;
  }
  return block.split("\0").find((e) => e.startsWith("BUN_JSC_useFTLJIT="))?.slice("BUN_JSC_useFTLJIT=".length) ?? null;
};

test("compiled blit runs with FTL off in the PID it was started as, and still does its job", async () => {
  const release = await buildRelease();
  using dir = makeTempDir("ftl-off");
  writeTree(join(dir.path, "src"), { "a.txt": "alpha\n", "b.txt": "beta\n" });
  const env = { ...process.env };
  delete env.BUN_JSC_useFTLJIT;
  // --files-from - keeps the run waiting on stdin until the list arrives.
  const proc = Bun.spawn([release.blit, "copy", "--files-from", "-", `${join(dir.path, "src")}/`, `${join(dir.path, "dst")}/`], { env, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const seen = await pollUntil(() => (ftlOf(proc.pid) === "0" ? "0" : undefined), () => `BUN_JSC_useFTLJIT=0 in /proc/${proc.pid}/environ (now ${ftlOf(proc.pid)})`, 20_000);
  expect(seen).toBe("0");
  // The re-executed image gives itself back the name it had (the kernel named it "exe"): ps, pgrep and killall find "blit".
  const commOf = () => readFileSync(`/proc/${proc.pid}/comm`, "utf8").trim();
  expect(await pollUntil(() => (commOf() === "blit" ? "blit" : undefined), () => `/proc/${proc.pid}/comm to say blit (now ${commOf()})`, 20_000)).toBe("blit");
  proc.stdin.write("a.txt\n");
  await proc.stdin.end();
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  expect(readFileSync(join(dir.path, "dst", "a.txt"), "utf8")).toBe("alpha\n");
}, 180_000);

test("the re-exec survives JSC's thread-suspend signal arriving during execve (30 starts under a 10 µs sampling profiler)", async () => {
  const release = await buildRelease();
  using dir = makeTempDir("ftl-sigpwr");
  const env: Record<string, string | undefined> = { ...process.env, BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir.path} --cpu-prof-interval=10` };
  delete env.BUN_JSC_useFTLJIT;
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 30; i++) {
    const p = Bun.spawnSync([release.blit, "--help"], { env, stdout: "pipe", stderr: "pipe" });
    const key = `exit ${p.exitCode} signal ${p.signalCode ?? "none"} stderr ${JSON.stringify(p.stderr.toString())}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  // Without the signal blocked across execve about two starts in three died of SIGPWR.
  expect([...outcomes]).toEqual([['exit 0 signal none stderr ""', 30]]);
}, 180_000);

test("the compiled daemon keeps the default JIT tiers", async () => {
  const release = await buildRelease();
  using dir = makeTempDir("ftl-daemon");
  // `env -u` execs the daemon in its own place: the PID read is the daemon's.
  await using daemon = await startDaemon({ modules: { m: { path: dir.path } }, launch: (argv) => ["env", "-u", "BUN_JSC_useFTLJIT", release.daemon, ...argv.slice(1)] });
  expect(ftlOf(daemon.pid)).toBeNull();
}, 180_000);
