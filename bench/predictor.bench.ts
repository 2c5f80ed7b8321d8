/**
 * Does a warmed predictor lose to a cold start? And do its choices differ by filesystem profile?
 *
 *   bun bench/predictor.bench.ts [--files N] [--runs N] [--warmup N]
 *
 * For tmpfs (/dev/shm) and disk (/tmp): one tree of small files plus a few 8 MiB files; then
 * `--runs` timed copies with a cold predictor (a fresh, empty $XDG_CONFIG_HOME each run)
 * interleaved with copies by a warmed one (profiled with `blit-utils profile`, then `--warmup`
 * recorded runs, still learning while timed). Each copy goes to a new destination; all are removed
 * at the end. Prints one JSON line per place: medians, the ratio warm/cold, and what the predictor
 * chose (workers, buffer, streams) from that filesystem's profile.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { files: { type: "string" }, runs: { type: "string" }, warmup: { type: "string" } } });
const FILES = Number(values.files ?? 10_000);
const RUNS = Number(values.runs ?? 5);
const WARMUP = Number(values.warmup ?? 4);
const ROOT = resolve(import.meta.dir, "..");
const BLIT = join(ROOT, "bin/blit");
const UTILS = join(ROOT, "bin/blit-utils");

for (const [name, base] of [["tmpfs", "/dev/shm"], ["disk", "/tmp"]] as const) {
  const top = mkdtempSync(join(base, "blit-predictor-bench-"));
  try {
    const src = makeTree(join(top, "src"));
    const warm = join(top, "warm-config");
    const env = (config: string) => ({ ...process.env, XDG_CONFIG_HOME: config, BLIT_DISABLE_LOCAL_TELEMETRY: "0" });
    run([UTILS, "profile", base, "--json"], env(warm));
    let serial = 0;
    for (let i = 0; i < WARMUP; i++) copy(src, join(top, `d${serial++}`), env(warm));
    const cold: number[] = [];
    const hot: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(copy(src, join(top, `d${serial++}`), env(join(top, `cold-${i}`))));
      hot.push(copy(src, join(top, `d${serial++}`), env(warm)));
    }
    const lines = readFileSync(join(warm, "blit", "perf_local.jsonl"), "utf8").trimEnd().split("\n");
    const last = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    const profile = JSON.parse(run([UTILS, "profile", base, "--json"], { ...env(join(top, "probe")), BLIT_DISABLE_LOCAL_TELEMETRY: "1" })) as Record<string, unknown>;
    console.log(
      JSON.stringify({
        place: name,
        fs: profile.fs,
        files: FILES + 8,
        runs: RUNS,
        cold_median_ms: median(cold),
        warm_median_ms: median(hot),
        warm_over_cold: Number((median(hot) / median(cold)).toFixed(3)),
        warm_choice: { workers: last.workers, buffer_bytes: last.buffer_bytes, streams: last.streams },
        profile_choice: profile.predictor,
        profile: { seq_write_bps: profile.seq_write_bps, small_creates_per_sec: profile.small_creates_per_sec, copy_offload: profile.copy_offload },
      }),
    );
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

function makeTree(dir: string): string {
  const small = new Uint8Array(4096).fill(0x61);
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(dir, `d${d}`), { recursive: true });
    for (let f = d; f < FILES; f += 100) writeFileSync(join(dir, `d${d}`, `f${f}`), small);
  }
  const big = new Uint8Array(8 * 1024 * 1024).fill(0x62);
  for (let i = 0; i < 8; i++) writeFileSync(join(dir, `big${i}`), big);
  return dir;
}

/** Wall time of one `blit copy SRC/ DST` in ms. */
function copy(src: string, dst: string, env: Record<string, string | undefined>): number {
  const t = performance.now();
  run([BLIT, "copy", `${src}/`, dst], env);
  return performance.now() - t;
}

function run(argv: string[], env: Record<string, string | undefined>): string {
  const r = Bun.spawnSync(argv, { env: env as Record<string, string>, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${r.exitCode}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[s.length >> 1]!);
}
