/**
 * Local benchmark (SPEC §10): blit against cp -a, rsync -a, rsync -aHAXS, tar | tar and rclone, in the same run
 * on the same data, on tmpfs and on disk. Prints one table per workload and place, and one JSON
 * line per result (lines starting with "{").
 *
 *   bun run bench [--quick] [--only WORKLOAD,...] [--fs tmpfs|disk] [--runs N]
 *                 [--tools blit,cp,rsync,rsync-HAXS,tar,rclone] [--blit PATH] [--settle SECS] [--budget]
 *
 * --budget: afterwards, the per-file cost budget of the local copy and no-op mirror at the
 * small-files size (bench/budget.bench.ts: µs per file per phase from CPU profiles, tmpfs).
 *
 * blit is the compiled release build (dist/blit, rebuilt at start) unless --blit names another.
 *
 * Each tool runs N times (rounds, the tool order rotating per round) into a fresh destination;
 * seeding and dropping destinations and checking the output are outside the timed region.
 * Caches are warm (the trees were just written). blit makes its destination durable (one sync)
 * before it exits, so every peer is timed with `sync -f DEST` after it (labels say "+ sync"). Wall times come from a plain loop of Bun.spawn and
 * performance.now(): tinybench suits functions in one process, not whole runs of several seconds
 * that each need a fresh destination.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runBudget } from "./budget-run.ts";
import { ensurePeers, makeTools, TOOL_NAMES, type Tool } from "./peers.ts";
import { jsonLine, printTable, type Result } from "./report.ts";
import { copyTree, formatStats, PLACES, sameStats, Scratch, treeStats, type TreeStats } from "./scratch.ts";
import { FULL, QUICK, Trees, WORKLOADS, type Workload } from "./workloads.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    fs: { type: "string" },
    runs: { type: "string" },
    tools: { type: "string", default: TOOL_NAMES.join(",") },
    blit: { type: "string" },
    settle: { type: "string", default: "60" },
    budget: { type: "boolean", default: false },
  },
  strict: true,
});

const runs = Number(values.runs ?? (values.quick ? 2 : 3));
const settle = Number(values.settle);
const only = values.only?.split(",").map((w) => w.trim()) ?? null;
const workloads = only === null ? WORKLOADS : WORKLOADS.filter((w) => only.includes(w.name));
const places = PLACES.filter((p) => values.fs === undefined || p.name === values.fs);
const wanted = values.tools.split(",").map((t) => t.trim());
if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a positive integer, got ${values.runs}`);
if (!Number.isFinite(settle) || settle < 0) usage(`--settle must be a number of seconds, got ${values.settle}`);
const unknownWorkloads = only?.filter((name) => !WORKLOADS.some((w) => w.name === name)) ?? [];
if (unknownWorkloads.length > 0) usage(`unknown workload(s) ${unknownWorkloads.join(", ")}: from ${WORKLOADS.map((w) => w.name).join(", ")}`);
if (places.length === 0) usage(`unknown --fs ${values.fs}: one of ${PLACES.map((p) => p.name).join(", ")}`);
const unknownTools = wanted.filter((t) => !(TOOL_NAMES as readonly string[]).includes(t));
if (unknownTools.length > 0) usage(`unknown tool(s) ${unknownTools.join(", ")}: from ${TOOL_NAMES.join(", ")}`);

const tools = await ensurePeers(makeTools(values.blit === undefined ? buildRelease() : resolve(values.blit)).filter((t) => wanted.includes(t.name)));
const sizes = values.quick ? QUICK : FULL;
const scratches: Scratch[] = [];
process.on("SIGINT", () => {
  for (const s of scratches) Bun.spawnSync(["rm", "-rf", "--", s.root]);
  process.exit(130);
});

for (const place of places) {
  const scratch = Scratch.open(place, settle);
  scratches.push(scratch);
  try {
    const trees = new Trees(scratch, sizes);
    for (const [i, workload] of workloads.entries()) {
      await runWorkload(workload, scratch, trees);
      await trees.release(workloads.slice(i + 1));
      await scratch.purge();
    }
  } finally {
    await scratch.close();
  }
}
if (values.budget && (await runBudget(sizes.smallFiles, ["local", "local-no-op"])) !== 0) process.exitCode = 1;

// --- internal ---

async function runWorkload(workload: Workload, scratch: Scratch, trees: Trees): Promise<void> {
  const eligible = tools.filter((t) => t.modes.includes(workload.mode));
  if (eligible.length === 0) return;
  const source = await trees.get(workload.source);
  const seed = workload.seed === null ? null : await trees.get(workload.seed);
  const stats = treeStats(source);
  const free = scratch.freeBytes();
  if (free < stats.bytes * 1.2) {
    console.error(`bench: skipping ${workload.name} on ${scratch.place.name}: ${formatStats(stats)} needs more than ${(free / 2 ** 30).toFixed(1)} GiB free`);
    return;
  }
  const results = await measure(workload, eligible, source, seed, stats, scratch);
  const title = `${workload.name} on ${scratch.place.name} (${scratch.place.dir}): ${workload.about}; ${formatStats(stats)}; ${runs} runs`;
  printTable(title, results, stats);
  for (const r of results) console.log(jsonLine(r, stats, values.quick));
}

async function measure(
  workload: Workload,
  eligible: readonly Tool[],
  source: string,
  seed: string | null,
  expected: TreeStats,
  scratch: Scratch,
): Promise<Result[]> {
  const seconds = new Map<string, number[]>(eligible.map((t) => [t.name, []]));
  const problems = new Map<string, string>();
  for (let round = 0; round < runs; round++) {
    const order = [...eligible.slice(round % eligible.length), ...eligible.slice(0, round % eligible.length)];
    for (const tool of order) {
      if (problems.has(tool.name)) continue;
      const destination = scratch.fresh();
      if (seed !== null) await copyTree(seed, destination);
      else if (tool.needsDestination) mkdirSync(destination);
      await scratch.quiesce();
      const run = await timed(durable(tool, tool.command(source, destination, workload.mode), destination));
      if (run.code !== 0) {
        problems.set(tool.name, `exit ${run.code}: ${run.stderr.trim().split("\n").at(-1) ?? ""}`);
      } else if (seconds.get(tool.name)?.length === 0) {
        const got = treeStats(destination);
        if (!sameStats(got, expected)) problems.set(tool.name, `wrong output: ${formatStats(got)}, expected ${formatStats(expected)}`);
      }
      if (!problems.has(tool.name)) seconds.get(tool.name)?.push(run.seconds);
      await scratch.drop(destination, expected.files);
    }
  }
  return eligible.map((t) => ({
    workload: workload.name,
    fs: scratch.place.name,
    tool: t.name,
    label: t.label(workload.mode),
    seconds: seconds.get(t.name) ?? [],
    problem: problems.get(t.name) ?? null,
  }));
}

/**
 * blit reports success only once its destination is durable (one syncfs); a peer is timed up to
 * the same point: its command, then `sync -f` on the destination's filesystem.
 */
function durable(tool: Tool, argv: string[], destination: string): string[] {
  if (tool.name === "blit") return argv;
  return ["bash", "-c", 'dest=$1; shift; "$@" && sync -f "$dest"', "durable", destination, ...argv];
}

async function timed(argv: string[]): Promise<{ code: number; seconds: number; stderr: string }> {
  const started = performance.now();
  const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  return { code, seconds: (performance.now() - started) / 1000, stderr };
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

/**
 * The release form users deploy (`bun run build` → dist/blit: compiled, bytecode), built fresh so
 * the numbers are of the current sources. Running the sources through bin/blit adds ~0.1 s of
 * transpiling to every run, which would dominate the short workloads.
 */
function buildRelease(): string {
  const root = resolve(import.meta.dir, "..");
  console.error("bench: building dist/blit (bun run build)");
  const r = Bun.spawnSync(["bun", "scripts/build.ts"], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if (r.exitCode !== 0) usage("bun run build failed: fix the build, or pass --blit PATH");
  return resolve(root, "dist/blit");
}
