/**
 * The adaptive predictor (SPEC §4): an exponential moving average of past runs per filesystem
 * profile and route, read at start-up, that picks the initial worker count, buffer size and
 * data-plane stream count. Pure: the state is a value, folding a run returns a new one.
 *
 * Workers: each key keeps an EMA of the run rate (files + MiB per second) per worker count tried.
 * With no history the prior comes from the destination's filesystem profile; with history the
 * best-rated count seen at least twice wins (the prior's count with a 10 % edge), and once it has
 * been seen three times an untried neighbour is tried once, so the choice can move when the
 * machine or the workload changes.
 */
import type { PerfRecord } from "./perf-record.ts";

/** What `blit-utils profile` measured about one filesystem. */
export interface FsProfile {
  readonly fs: string;
  readonly path: string;
  readonly seq_write_bps: number;
  readonly seq_read_bps: number;
  readonly small_creates_per_sec: number;
  readonly copy_offload: boolean;
  readonly reflink: boolean;
  readonly measured_at: string;
}

export interface RateEma {
  readonly rate: number;
  readonly runs: number;
}

export interface PredictorState {
  readonly v: 1;
  /** By filesystem type (tmpfs, ext4, …). */
  readonly profiles: Readonly<Record<string, FsProfile>>;
  /** By predictorKey, then by worker count. */
  readonly ema: Readonly<Record<string, Readonly<Record<string, RateEma>>>>;
}

export interface Choice {
  readonly workers: number;
  readonly bufferBytes: number;
  readonly streams: number;
  /** "prior" (no history), "history" or "explore". */
  readonly basis: "prior" | "history" | "explore";
}

export interface ChoiceContext {
  readonly route: string;
  readonly srcFs: string;
  readonly dstFs: string;
  readonly cores: number;
  /** --max-threads, or null. */
  readonly cap: number | null;
}

export const EMPTY_PREDICTOR: PredictorState = { v: 1, profiles: {}, ema: {} };
export const EMA_ALPHA = 0.3;
const MEMORY_FS = new Set(["tmpfs", "ramfs"]);
const NETWORK_FS = new Set(["nfs", "cifs", "smb2", "fuse", "9p"]);
const MIB = 1024 * 1024;

export const predictorKey = (route: string, srcFs: string, dstFs: string): string => `${route}|${srcFs}>${dstFs}`;

/** The rate of a run: files and MiB per second, so small-file and large-file runs both count. */
export function runRate(r: Pick<PerfRecord, "files" | "bytes" | "duration_ms">): number {
  return (r.files + r.bytes / MIB) / Math.max(r.duration_ms / 1000, 1e-3);
}

/** The state after a finished run; runs that failed or moved nothing teach nothing. */
export function foldRun(state: PredictorState, r: PerfRecord): PredictorState {
  if (r.outcome === "failed" || r.files === 0 || r.duration_ms <= 0) return state;
  const key = predictorKey(r.route, r.src_fs, r.dst_fs);
  const perWorkers = state.ema[key] ?? {};
  const old = perWorkers[String(r.workers)];
  const rate = runRate(r);
  const next: RateEma = old === undefined ? { rate, runs: 1 } : { rate: old.rate + EMA_ALPHA * (rate - old.rate), runs: old.runs + 1 };
  return { ...state, ema: { ...state.ema, [key]: { ...perWorkers, [String(r.workers)]: next } } };
}

/** The state with `profile` recorded for its filesystem type. */
export const withProfile = (state: PredictorState, profile: FsProfile): PredictorState => ({ ...state, profiles: { ...state.profiles, [profile.fs]: profile } });

/** Initial workers, buffer size and streams for a run in `ctx`. */
export function choose(state: PredictorState, ctx: ChoiceContext): Choice {
  const profile = state.profiles[ctx.dstFs];
  const limit = Math.max(1, Math.min(ctx.cap ?? ctx.cores, ctx.cores));
  const { workers, basis } = chooseWorkers(state.ema[predictorKey(ctx.route, ctx.srcFs, ctx.dstFs)] ?? {}, priorWorkers(ctx.dstFs, profile, ctx.cores), limit);
  return { workers, basis, bufferBytes: chooseBufferBytes(ctx.dstFs, profile), streams: chooseStreams({ dstFs: ctx.dstFs, profile, cores: ctx.cores }) };
}

/** Buffer size: about 4 ms of the destination's sequential write speed, a power of two in 256 KiB–16 MiB. */
export function chooseBufferBytes(dstFs: string, profile: FsProfile | undefined): number {
  const bps = profile?.seq_write_bps ?? (MEMORY_FS.has(dstFs) ? 2000 * MIB : NETWORK_FS.has(dstFs) ? 100 * MIB : 500 * MIB);
  return powerOfTwoIn(bps * 0.004, 256 * 1024, 16 * MIB);
}

export interface StreamsContext {
  readonly dstFs: string;
  readonly profile: FsProfile | undefined;
  readonly cores: number;
  /** What the manifest showed so far, when known. */
  readonly files?: number;
  readonly bytes?: number;
}

/**
 * Data-plane TCP streams for a remote run: one for a trivial job, more for many files or many
 * bytes, bounded by the cores and by what the destination can absorb (a filesystem that creates
 * small files slowly gains nothing from more streams).
 */
export function chooseStreams(ctx: StreamsContext): number {
  const ceiling = Math.max(1, Math.min(8, ctx.cores * 2));
  const slowCreate = ctx.profile !== undefined && ctx.profile.small_creates_per_sec < 5000;
  const absorb = slowCreate || NETWORK_FS.has(ctx.dstFs) ? 2 : ceiling;
  if (ctx.files === undefined || ctx.bytes === undefined) return Math.min(ceiling, absorb);
  const { files, bytes } = ctx;
  if (files <= 1 && bytes < 64 * MIB) return 1;
  const wanted = Math.max(Math.ceil(files / 2000), Math.ceil(bytes / (512 * MIB)), 2);
  return Math.max(1, Math.min(wanted, ceiling, absorb));
}

// --- internal ---

/** Without history: every core on memory and fast disks; fewer on a slow disk (seeks), more on network filesystems (latency). */
function priorWorkers(dstFs: string, profile: FsProfile | undefined, cores: number): number {
  if (NETWORK_FS.has(dstFs)) return cores * 2;
  if (profile !== undefined && !MEMORY_FS.has(dstFs) && profile.seq_write_bps < 150 * MIB) return Math.max(1, Math.ceil(cores / 2));
  return cores;
}

function chooseWorkers(perWorkers: Readonly<Record<string, RateEma>>, prior: number, limit: number): { workers: number; basis: Choice["basis"] } {
  const tried = Object.entries(perWorkers)
    .map(([n, e]) => ({ n: Number(n), ...e }))
    .filter((t) => t.n >= 1 && t.n <= limit);
  const start = Math.min(prior, limit);
  if (tried.length === 0) return { workers: start, basis: "prior" };
  // A count seen once is noise on a busy machine: it wins only once seen twice, and the prior's
  // count keeps a 10 % edge, so an unlucky exploration does not move the choice.
  const established = tried.filter((t) => t.runs >= 2);
  const pool = established.length > 0 ? established : tried;
  const score = (t: { n: number; rate: number }) => t.rate * (t.n === start ? 1.1 : 1);
  const best = pool.reduce((a, b) => (score(b) > score(a) ? b : a));
  if (best.runs >= 3) {
    for (const n of [best.n + 1, best.n - 1]) {
      if (n >= 1 && n <= limit && !tried.some((t) => t.n === n)) return { workers: n, basis: "explore" };
    }
  }
  return { workers: best.n, basis: "history" };
}

function powerOfTwoIn(value: number, min: number, max: number): number {
  let p = min;
  while (p * 2 <= value && p * 2 <= max) p *= 2;
  return p;
}
