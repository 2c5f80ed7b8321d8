/**
 * Local telemetry (SPEC §8): one record per run, one JSON object per line. Pure: building a record
 * from a summary, reading lines back (a torn or foreign line is skipped, never fatal) and the
 * per-route/workload summaries of `blit diagnostics perf`.
 */
import type { TransferSummary } from "./summary.ts";

export type SizeClass = "none" | "small" | "mixed" | "large";

export interface PerfRecord {
  readonly v: 1;
  /** ISO time the run ended. */
  readonly at: string;
  readonly operation: string;
  readonly route: string;
  readonly transport: string;
  readonly outcome: string;
  /** The ErrorCode of a run that failed as a whole, else null. */
  readonly error: string | null;
  readonly src_fs: string;
  readonly dst_fs: string;
  readonly files: number;
  readonly bytes: number;
  readonly files_examined: number;
  readonly size_class: SizeClass;
  /** Files copied in each size bucket: < 64 KiB, < 8 MiB, larger (from the run's mean when unknown). */
  readonly size_histogram: readonly [number, number, number];
  readonly duration_ms: number;
  readonly bytes_per_sec: number;
  readonly zero_copy_bytes: number;
  readonly failures: number;
  readonly stalled: boolean;
  /** What the predictor chose for this run. */
  readonly workers: number;
  readonly buffer_bytes: number;
  readonly streams: number;
}

export interface RunFacts {
  readonly at: string;
  readonly srcFs: string;
  readonly dstFs: string;
  readonly workers: number;
  readonly bufferBytes: number;
  readonly streams: number;
}

const SMALL = 64 * 1024;
const LARGE = 8 * 1024 * 1024;

export function sizeClass(files: number, bytes: number): SizeClass {
  if (files === 0) return "none";
  const mean = bytes / files;
  return mean < SMALL ? "small" : mean < LARGE ? "mixed" : "large";
}

/** The record of a finished run. */
export function recordOfSummary(s: TransferSummary, facts: RunFacts): PerfRecord {
  const cls = sizeClass(s.files_transferred, s.bytes_transferred);
  const n = s.files_transferred;
  return {
    ...baseRecord(s.operation, s.route, facts),
    transport: s.transport,
    outcome: s.outcome,
    files: n,
    bytes: s.bytes_transferred,
    files_examined: s.files_examined,
    size_class: cls,
    size_histogram: [cls === "small" ? n : 0, cls === "mixed" ? n : 0, cls === "large" ? n : 0],
    duration_ms: Math.round(s.duration_ms),
    bytes_per_sec: Math.round(s.bytes_per_sec),
    zero_copy_bytes: s.zero_copy_bytes,
    failures: s.files_failed,
  };
}

/** The record of a run that ended with an error instead of a summary. */
export function recordOfFailure(operation: string, route: string, code: string, durationMs: number, facts: RunFacts): PerfRecord {
  return { ...baseRecord(operation, route, facts), outcome: "failed", error: code, stalled: code === "STALLED", duration_ms: Math.round(durationMs) };
}

/** The records in JSONL text, oldest first; lines that are not records are skipped. */
export function parsePerfLines(text: string): PerfRecord[] {
  const records: PerfRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line) as Partial<PerfRecord>;
      if (value?.v === 1 && typeof value.route === "string" && typeof value.duration_ms === "number") records.push(value as PerfRecord);
    } catch {
      // a line torn by a crash, or not ours
    }
  }
  return records;
}

export interface PerfGroup {
  readonly route: string;
  readonly size_class: SizeClass;
  readonly dst_fs: string;
  readonly runs: number;
  readonly failed: number;
  readonly files: number;
  readonly bytes: number;
  readonly median_bytes_per_sec: number;
  readonly median_duration_ms: number;
}

/** Runs grouped by route, workload size class and destination filesystem. */
export function summarizePerf(records: readonly PerfRecord[]): PerfGroup[] {
  const groups = new Map<string, PerfRecord[]>();
  for (const r of records) {
    const key = `${r.route}\0${r.size_class}\0${r.dst_fs}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => ({
    route: rs[0]!.route,
    size_class: rs[0]!.size_class,
    dst_fs: rs[0]!.dst_fs,
    runs: rs.length,
    failed: rs.filter((r) => r.outcome === "failed").length,
    files: rs.reduce((a, r) => a + r.files, 0),
    bytes: rs.reduce((a, r) => a + r.bytes, 0),
    median_bytes_per_sec: median(rs.map((r) => r.bytes_per_sec)),
    median_duration_ms: median(rs.map((r) => r.duration_ms)),
  }));
}

// --- internal ---

function baseRecord(operation: string, route: string, f: RunFacts) {
  return {
    v: 1 as const,
    at: f.at,
    operation,
    route,
    transport: route === "local" ? "local" : "tcp",
    outcome: "success",
    error: null,
    src_fs: f.srcFs,
    dst_fs: f.dstFs,
    files: 0,
    bytes: 0,
    files_examined: 0,
    size_class: "none" as SizeClass,
    size_histogram: [0, 0, 0] as const,
    duration_ms: 0,
    bytes_per_sec: 0,
    zero_copy_bytes: 0,
    failures: 0,
    stalled: false,
    workers: f.workers,
    buffer_bytes: f.bufferBytes,
    streams: f.streams,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}
