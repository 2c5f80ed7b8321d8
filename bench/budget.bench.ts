/**
 * The per-file cost budget (issue 14): for push, pull and no-op push through a blit-daemon on
 * loopback, and a local copy and a local no-op mirror, µs per file per side per phase (PHASES of
 * bench/budget-phases.ts) and the fixed cost per process, from CPU profiles of the compiled programs.
 * tmpfs (/dev/shm). Prints one table per workload, a check of the budget against the wall time,
 * and one JSON line per workload × side × phase (lines starting "{", `"budget":true`).
 *
 *   bun bench/budget.bench.ts [--files N] [--runs N] [--only push,pull,no-op,local,local-no-op] [--explain]
 *
 * --explain: under each table, per side, the frames that decided the most CPU of the N-file run
 * (phase ← source file and function, or kernel symbol, or the thread when no rule matched).
 *
 * How it profiles (Bun 1.4.5, this machine): a compiled program honours BUN_OPTIONS, so
 * `BUN_OPTIONS="--cpu-prof …"` profiles the main JS thread of dist-profile/blit (the release build
 * of `scripts/build.ts --bench-profile`: release flags plus an external source map, which names the
 * source file of every minified frame). --cpu-prof does not see Worker threads, and perf cannot name
 * JSC's JIT frames in a stripped compiled binary (BUN_JSC_useJITDump writes a dump but perf inject
 * does not resolve it, and the dump thread distorts the run), so every thread is also sampled
 * with `perf record -g` (kernel frames are named: a worker's syscalls say rename, write, statx…).
 * A sample's phase (bench/budget-phases.ts): a main thread's CPU is perf's count of it, split in
 * the proportions of its --cpu-prof samples (JSC's sampler takes fewer samples than its interval
 * promises on a loaded machine, so those are scaled; the factor is printed); every other thread
 * from perf: kernel symbols name the syscalls; a worker's unnamed samples (its JS) are spread like
 * its named ones; JSC's compiler and collector threads are runtime. The
 * profilers' own threads (perf-exec, JSC's sampler) are left out. Without perf only the main
 * thread is counted, at --cpu-prof's nominal interval (said in the output).
 *
 * Fixed cost and per-file cost: each workload runs once profiled with 1 file and once with N; the
 * fixed cost of a side is its CPU in the 1-file run, a phase's µs per file is (µs at N − µs at 1) /
 * (N − 1). The daemon runs throughout (warm, as in use: each remote cell runs DAEMON_WARMUP_RUNS times
 * unprofiled on the profiled daemon before its profiled run); its samples are cut to each client run's
 * time window. The check: Σ sides (fixed + Σ phases µs/file × N) against the median CPU time
 * (client rusage + the daemon's /proc/PID/stat delta) and wall time of unprofiled runs of dist/
 * (CPU on 2 cores can exceed the wall time when sides overlap, and falls short of it when a side
 * waits or the machine is shared). The machine is shared: figures are indicative, compare phases of
 * one run.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cpuProfileStacks, perfStacks, SourceMap, type Stack } from "./budget-profile.ts";
import { attribute, PHASES, type Phase, type Role } from "./budget-phases.ts";
import { median } from "./report.ts";
import { copyTree, PLACES, Scratch, treeStats } from "./scratch.ts";
import { Trees } from "./workloads.ts";

const { values } = parseArgs({ options: { files: { type: "string", default: "20000" }, runs: { type: "string", default: "3" }, only: { type: "string" }, explain: { type: "boolean", default: false } }, strict: true });
const files = Number(values.files);
const runs = Number(values.runs);
/** Unprofiled runs of each remote cell on the profiled daemon before its profiled run. */
const DAEMON_WARMUP_RUNS = 4;
if (!Number.isInteger(files) || files < 2) usage(`--files must be an integer ≥ 2, got ${values.files}`);
if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a positive integer, got ${values.runs}`);

interface Cell {
  readonly name: string;
  readonly about: string;
  /** Through the daemon (client + daemon sides) or one local process. */
  readonly route: "push" | "pull" | "local";
  /** The destination starts as a copy of the source (a no-op run). */
  readonly seeded: boolean;
}
const CELLS: readonly Cell[] = [
  { name: "push", about: "blit copy DIR/ daemon:/m/new/", route: "push", seeded: false },
  { name: "pull", about: "blit copy daemon:/m/DIR/ new/", route: "pull", seeded: false },
  { name: "no-op", about: "blit copy DIR/ daemon:/m/COPY/ onto an identical copy", route: "push", seeded: true },
  { name: "local", about: "blit copy DIR/ new/ --yes", route: "local", seeded: false },
  { name: "local-no-op", about: "blit mirror DIR/ COPY/ --yes onto an identical copy", route: "local", seeded: true },
];
const only = values.only?.split(",").map((s) => s.trim()) ?? null;
const cells = CELLS.filter((c) => only === null || only.includes(c.name));
if (cells.length === 0) usage(`--only: from ${CELLS.map((c) => c.name).join(", ")}`);

/** --cpu-prof sampling interval and perf frequency. */
const INTERVAL_US = 250;
/** Threads of the profilers themselves, not of blit: perf before it execs, JSC's sampler ("thread", which signals the main thread) and its signal sender. */
const PROFILER_THREADS = /^(perf-exec|thread|.*Signal Sender)$/;
/** blit's own worker threads (local pool, TCP file I/O) and Bun's fs thread pool. */
const WORKER_THREADS = /^(Worker|Bun Pool)/;
const PERF_HZ = 997;
const root = resolve(import.meta.dir, "..");
const release = build([]);
const profiled = build(["--bench-profile"]);
const perf = Bun.which("perf") !== null && Bun.spawnSync(["perf", "stat", "-e", "task-clock", "--", "true"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
if (!perf) console.error("bench: perf is not usable here: worker and runtime threads are NOT counted (only the main JS thread, from --cpu-prof)");
const map = new SourceMap(join(profiled, "blit.map"));
const scratch = Scratch.open(PLACES[0]!, 0);
const profDir = join(scratch.root, "profiles");
mkdirSync(profDir);
process.env.BLIT_DAEMON_E2E_BIN = join(release, "blit-daemon");
const { startDaemon } = await import("../test/harness/daemon.ts");
type Daemon = Awaited<ReturnType<typeof startDaemon>>;
const daemons: Daemon[] = [];
process.on("SIGINT", () => {
  for (const d of daemons) process.kill(d.pid, "SIGKILL");
  Bun.spawnSync(["rm", "-rf", "--", scratch.root]);
  process.exit(130);
});

try {
  const remote = cells.some((c) => c.route !== "local");
  const timingDaemon = remote ? await startDaemon({ modules: { m: { path: scratch.root } } }) : null;
  const profileDaemon = remote
    ? await startDaemon({
        modules: { m: { path: scratch.root } },
        launch: (argv) => ["env", `BUN_OPTIONS=${cpuProfOptions("daemon")}`, join(profiled, "blit-daemon"), ...argv.slice(1)],
      })
    : null;
  for (const d of [timingDaemon, profileDaemon]) if (d !== null) daemons.push(d);
  const trees = { one: new Trees(scratch, { bigFileBytes: 0, smallFiles: 1 }), many: new Trees(scratch, { bigFileBytes: 0, smallFiles: files }) };
  const sources = { 1: await trees.one.get("small"), [files]: await trees.many.get("small") } as Record<number, string>;
  const measured: Measured[] = [];
  for (const cell of cells) {
    const m: Measured = { cell, wall: {}, cpu: {}, profiledWall: {}, windows: {}, sides: {} };
    for (const n of [1, files]) {
      const source = sources[n]!;
      const timed: Run[] = [];
      for (let r = 0; r < runs; r++) timed.push(await once(cell, n, source, release, timingDaemon, null));
      m.wall[n] = median(timed.map((t) => t.seconds)) ?? NaN;
      m.cpu[n] = median(timed.map((t) => t.cpuSeconds)) ?? NaN;
      const tag = `${cell.name}-${n}`;
      // The profiled daemon serves this cell unprofiled first, so its JIT has settled as in use (a fresh daemon's
      // compiler threads spend ~240 ms on a first 20k pull, ~30 ms from the fifth on); outside the window, not counted.
      if (profileDaemon !== null && cell.route !== "local") for (let r = 0; r < DAEMON_WARMUP_RUNS; r++) await once(cell, n, source, release, profileDaemon, null);
      const window = { from: Date.now() * 1000, to: 0 };
      m.profiledWall[n] = (await once(cell, n, source, profiled, profileDaemon, tag)).seconds;
      window.to = Date.now() * 1000;
      m.windows[n] = window;
      const clientRole: Role = cell.route === "local" ? "local" : cell.route === "push" ? "sender" : "receiver";
      m.sides[`${cell.route === "local" ? "local" : "client"}:${n}`] = phasesOf(join(profDir, `client-${tag}.cpuprofile`), join(profDir, `client-${tag}.perf`), clientRole, null);
    }
    measured.push(m);
  }
  if (profileDaemon !== null) {
    await profileDaemon.stop();
    daemons.splice(daemons.indexOf(profileDaemon), 1);
    const daemonProfile = join(profDir, "daemon.cpuprofile");
    for (const m of measured.filter((x) => x.cell.route !== "local")) {
      const role: Role = m.cell.route === "push" ? "receiver" : "sender";
      for (const n of [1, files]) m.sides[`daemon:${n}`] = phasesOf(daemonProfile, join(profDir, `daemon-${m.cell.name}-${n}.perf`), role, m.windows[n] ?? null);
    }
  }
  await timingDaemon?.stop();
  for (const m of measured) report(m);
} finally {
  for (const d of daemons) await d.stop();
  await scratch.close();
}

// --- internal ---

interface Measured {
  readonly cell: Cell;
  /** Median wall seconds of the unprofiled runs, by file count. */
  readonly wall: Record<number, number>;
  /** Median CPU seconds of the same runs: the client's rusage plus the daemon's /proc/PID/stat delta. */
  readonly cpu: Record<number, number>;
  readonly profiledWall: Record<number, number>;
  readonly windows: Record<number, { from: number; to: number }>;
  /** µs per phase, by "side:files". */
  readonly sides: Record<string, Side>;
}

interface Side {
  readonly phases: Map<Phase, number>;
  /** perf's main-thread CPU / --cpu-prof's nominal sample time (1 without perf). */
  readonly scale: number;
  /** µs by "phase ← deciding frame" (--explain). */
  readonly by: Map<string, number>;
}

function cpuProfOptions(name: string): string {
  return `--cpu-prof --cpu-prof-dir=${profDir} --cpu-prof-name=${name}.cpuprofile --cpu-prof-interval=${INTERVAL_US}`;
}

/**
 * One run of `cell` with `n` files; returns its wall seconds. With `tag`, the client runs under
 * --cpu-prof and perf, and perf also samples the daemon for the length of the run.
 */
interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
}

async function once(cell: Cell, n: number, source: string, bin: string, daemon: Daemon | null, tag: string | null): Promise<Run> {
  const destination = scratch.fresh();
  if (cell.seeded) await copyTree(source, destination);
  await scratch.quiesce();
  const blit = join(bin, "blit");
  const at = (p: string) => `${daemon?.control}:/m/${basename(p)}/`;
  const argv =
    cell.route === "push" ? [blit, "copy", `${source}/`, at(destination)] : cell.route === "pull" ? [blit, "copy", at(source), `${destination}/`] : [blit, cell.seeded ? "mirror" : "copy", `${source}/`, `${destination}/`, "--yes"];
  const env: Record<string, string> = { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" } as Record<string, string>;
  let watcher: Bun.Subprocess | null = null;
  let command = argv;
  if (tag !== null) {
    env.BUN_OPTIONS = cpuProfOptions(`client-${tag}`);
    if (perf) command = ["perf", "record", "-q", "-F", String(PERF_HZ), "-g", "-o", join(profDir, `client-${tag}.perf`), "--", ...argv];
    if (perf && daemon !== null) watcher = await attachPerf(daemon.pid, join(profDir, `daemon-${tag}.perf`));
  }
  const daemonBefore = daemon === null ? 0 : cpuOf(daemon.pid);
  const started = performance.now();
  const proc = Bun.spawn(command, { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text(), new Response(proc.stdout).text()]);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = Number(proc.resourceUsage()?.cpuTime.total ?? 0) / 1e6 + (daemon === null ? 0 : cpuOf(daemon.pid) - daemonBefore);
  if (watcher !== null) {
    watcher.kill("SIGINT");
    await watcher.exited;
  }
  if (code !== 0) throw new Error(`${cell.name} (${n} files) exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  const got = treeStats(destination).files;
  if (got !== n) throw new Error(`${cell.name} (${n} files): destination holds ${got} files`);
  await scratch.drop(destination, n);
  return { seconds, cpuSeconds };
}

/** CPU seconds a process (all its threads) used so far, from /proc/PID/stat (10 ms ticks). */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** `perf record -p PID` in the background, once it has opened its output (bounded wait). */
async function attachPerf(pid: number, out: string): Promise<Bun.Subprocess> {
  const proc = Bun.spawn(["perf", "record", "-q", "-F", String(PERF_HZ), "-g", "-p", String(pid), "-o", out], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  for (let i = 0; i < 500 && !existsSync(out); i++) await Bun.sleep(2);
  await Bun.sleep(20); // perf opens the file a moment before its counters are enabled
  return proc;
}

/**
 * µs per phase of one side of one run. perf counts the CPU of every thread; its main-thread samples
 * cannot name JS, so the main thread's total comes from perf and its split from --cpu-prof (whose
 * sampler, on a loaded machine, takes fewer samples than its interval promises: it is scaled).
 * Without perf, the main thread's --cpu-prof samples at their nominal interval.
 */
function phasesOf(cpuProfile: string, perfData: string, role: Role, window: { from: number; to: number } | null): Side {
  const main = cpuProfileStacks(cpuProfile, map, INTERVAL_US).filter((s) => window === null || (s.at >= window.from && s.at <= window.to));
  const mainProf = main.reduce((sum, s) => sum + s.us, 0);
  if (!perf || !existsSync(perfData)) return tally(main, 1, [], role);
  const script = Bun.spawnSync(["perf", "script", "-i", perfData, "-F", "comm,pid,tid,ip,sym,dso"], { stdout: "pipe", stderr: "ignore" });
  const stacks: Stack[] = perfStacks(script.stdout.toString(), PERF_HZ).filter((s) => !PROFILER_THREADS.test(s.thread));
  const mainPerf = stacks.filter((s) => s.main).reduce((sum, s) => sum + s.us, 0);
  const scale = mainProf > 0 ? mainPerf / mainProf : 0;
  const side = tally(main, scale, stacks.filter((s) => !s.main), role);
  if (mainProf === 0) side.phases.set("runtime", (side.phases.get("runtime") ?? 0) + mainPerf);
  return side;
}

/**
 * Sums main-thread samples (× scale) and other threads' samples per phase, and per deciding frame.
 * A blit worker's samples that no rule names (its JS: perf cannot name JIT frames) are spread over
 * phases like the same side's worker samples that a kernel frame named: a worker's JS is the glue
 * around its syscalls. With no named worker sample at all, the thread's fallback decides.
 */
function tally(main: readonly Stack[], scale: number, others: readonly Stack[], role: Role): Side {
  const phases = new Map<Phase, number>();
  const by = new Map<string, number>();
  const add = (phase: Phase, key: string, us: number) => {
    phases.set(phase, (phases.get(phase) ?? 0) + us);
    by.set(`${phase} ← ${key}`, (by.get(`${phase} ← ${key}`) ?? 0) + us);
  };
  const named = new Map<Phase, number>();
  let unnamedUs = 0;
  let fallback: Phase | null = null;
  for (const [stacks, weight] of [[main, scale], [others, 1]] as const) {
    for (const s of stacks) {
      const a = attribute(s.frames, role, s.thread);
      const worker = WORKER_THREADS.test(s.thread) && !s.main;
      if (worker && a.by === null) {
        unnamedUs += s.us;
        fallback = a.phase;
        continue;
      }
      if (worker) named.set(a.phase, (named.get(a.phase) ?? 0) + s.us);
      add(a.phase, a.by === null ? `${s.thread} thread` : `${a.by.file} ${a.by.fn}`.trim(), s.us * weight);
    }
  }
  const namedUs = [...named.values()].reduce((x, y) => x + y, 0);
  if (namedUs > 0) for (const [phase, us] of named) add(phase, "worker JS, spread like its syscalls", (unnamedUs * us) / namedUs);
  else if (fallback !== null) add(fallback, "worker JS, no syscall named", unnamedUs);
  return { phases, scale, by };
}

function report(m: Measured): void {
  const sideNames = m.cell.route === "local" ? ["local"] : ["client", "daemon"];
  const header = ["side", ...PHASES, "µs/file", "fixed ms"];
  const rows: string[][] = [];
  let predicted = 0;
  const scales: string[] = [];
  for (const side of sideNames) {
    const one = m.sides[`${side}:1`]?.phases ?? new Map<Phase, number>();
    const many = m.sides[`${side}:${files}`]?.phases ?? new Map<Phase, number>();
    scales.push(`${side} ×${(m.sides[`${side}:1`]?.scale ?? 0).toFixed(1)}/×${(m.sides[`${side}:${files}`]?.scale ?? 0).toFixed(1)}`);
    const perFile = PHASES.map((p) => ((many.get(p) ?? 0) - (one.get(p) ?? 0)) / (files - 1));
    const fixedUs = PHASES.reduce((sum, p) => sum + (one.get(p) ?? 0), 0);
    const total = perFile.reduce((a, b) => a + b, 0);
    predicted += fixedUs + total * files;
    rows.push([side, ...perFile.map((x) => x.toFixed(1)), total.toFixed(1), (fixedUs / 1000).toFixed(0)]);
    PHASES.forEach((p, i) => console.log(JSON.stringify({ budget: true, workload: m.cell.name, side, phase: p, us_per_file: round(perFile[i] ?? 0), fixed_ms: round((one.get(p) ?? 0) / 1000), files, fs: "tmpfs", runtime: `bun ${Bun.version}` })));
  }
  const wall = m.wall[files] ?? NaN;
  const fixedWall = m.wall[1] ?? NaN;
  const cpu = m.cpu[files] ?? NaN;
  console.log(`\n${m.cell.name}: ${m.cell.about}; ${files.toLocaleString("en")} × 4 KiB on tmpfs; µs per file per phase (CPU), fixed = CPU of a 1-file run`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  if (values.explain) {
    for (const side of sideNames) {
      const top = [...(m.sides[`${side}:${files}`]?.by ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, 15);
      console.log(`  ${side}, heaviest deciding frames at ${files} files (µs per file): ${top.map(([k, us]) => `\n    ${(us / files).toFixed(1).padStart(6)}  ${k}`).join("")}`);
    }
  }
  console.log(`main-thread --cpu-prof samples scaled to perf's CPU (1 file/${files} files): ${scales.join(", ")}`);
  console.log(
    `check: Σ (fixed + µs/file × ${files}) = ${(predicted / 1e6).toFixed(2)} s CPU; unprofiled runs (median of ${runs}): CPU ${cpu.toFixed(2)} s, wall ${wall.toFixed(2)} s (profiled wall ${(m.profiledWall[files] ?? NaN).toFixed(2)} s) → budget/CPU ${(predicted / 1e6 / cpu).toFixed(2)}, budget/wall ${(predicted / 1e6 / wall).toFixed(2)} (up to 2.0 when 2 cores are busy throughout); 1-file wall ${fixedWall.toFixed(2)} s, CPU ${(m.cpu[1] ?? NaN).toFixed(2)} s`,
  );
  console.log(JSON.stringify({ budget: true, workload: m.cell.name, check: true, budget_s: round(predicted / 1e6), cpu_s: round(cpu), wall_s: round(wall), one_file_cpu_s: round(m.cpu[1] ?? NaN), profiled_wall_s: round(m.profiledWall[files] ?? NaN), one_file_wall_s: round(fixedWall), files, runs }));
}

function round(x: number): number {
  return Number(x.toFixed(3));
}

function build(flags: string[]): string {
  const out = flags.includes("--bench-profile") ? "dist-profile" : "dist";
  console.error(`bench: building ${out}/ (bun scripts/build.ts ${flags.join(" ")})`);
  if (Bun.spawnSync(["bun", "scripts/build.ts", ...flags], { cwd: root, stdout: "ignore", stderr: "inherit" }).exitCode !== 0) usage(`building ${out}/ failed`);
  return join(root, out);
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}
