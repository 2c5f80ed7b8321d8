/**
 * Benchmark output. Offers: Result, median(), printTable() (one human table per workload and
 * place: median seconds, MB/s over the source tree's bytes, and blit/peer ratio; below 1 means
 * blit was faster) and jsonLine() (one JSON object per result, with runtime, OS and transport).
 */
import { cpus, platform, release } from "node:os";
import type { TreeStats } from "./scratch.ts";

export interface Result {
  readonly workload: string;
  readonly fs: string;
  readonly tool: string;
  readonly label: string;
  /** Wall times of the successful runs, in seconds. */
  readonly seconds: readonly number[];
  /** Why the tool's figures are not valid (failed run, wrong output), or null. */
  readonly problem: string | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function printTable(title: string, results: readonly Result[], source: TreeStats): void {
  const blit = blitMedian(results);
  const rows = results.map((r) => {
    const m = valid(r) ? median(r.seconds) : null;
    if (m === null) return [r.label, "-", "-", "-", r.problem ?? "no run"];
    const ratio = r.tool === "blit" || blit === null ? "" : `${(blit / m).toFixed(2)}x`;
    return [r.label, m.toFixed(3), (source.bytes / 1e6 / m).toFixed(0), ratio, r.seconds.map((s) => s.toFixed(2)).join(" ")];
  });
  const header = ["tool", "median s", "MB/s", "blit/peer", "runs (s)"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

export function jsonLine(r: Result, source: TreeStats, quick: boolean): string {
  const m = valid(r) ? median(r.seconds) : null;
  return JSON.stringify({
    workload: r.workload,
    fs: r.fs,
    tool: r.tool,
    median_s: m === null ? null : round(m, 4),
    runs: r.seconds.map((s) => round(s, 4)),
    mb_per_s: m === null ? null : round(source.bytes / 1e6 / m, 1),
    files: source.files,
    bytes: source.bytes,
    problem: r.problem,
    quick,
    transport: "local",
    runtime: `bun ${Bun.version}`,
    os: `${platform()} ${release()}`,
    cpus: cpus().length,
  });
}

// --- internal ---

const valid = (r: Result): boolean => r.problem === null;
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function blitMedian(results: readonly Result[]): number | null {
  const blit = results.find((r) => r.tool === "blit");
  return blit !== undefined && valid(blit) ? median(blit.seconds) : null;
}
