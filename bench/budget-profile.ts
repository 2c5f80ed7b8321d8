/**
 * Reads the two kinds of CPU profile the budget is built from and turns each sample into a stack of
 * Frames (leaf first) with a weight in µs. Offers: SourceMap (a v3 source map: bundle line/column →
 * source file), cpuProfileStacks() (Bun's `--cpu-prof` output: the main JS thread of one process)
 * and perfStacks() (`perf script` output: every thread, kernel frames named, JS frames anonymous).
 */
import { readFileSync } from "node:fs";
import type { Frame } from "./budget-phases.ts";

export interface Stack {
  /** The thread's name as perf reports it ("blit" for a main thread, "Worker", "JITWorker", …). */
  readonly thread: string;
  /** True when the sample is from the process's main thread (tid = pid). */
  readonly main: boolean;
  readonly frames: readonly Frame[];
  readonly us: number;
  /** When the sample was taken, in µs since the epoch (cpu-prof only; 0 for perf). */
  readonly at: number;
}

/** Maps a position in the bundle to the source file it came from (mappings of a v3 source map). */
export class SourceMap {
  private readonly lines: { cols: Int32Array; sources: Int32Array }[] = [];
  private readonly sources: readonly string[];

  constructor(path: string) {
    const map = JSON.parse(readFileSync(path, "utf8")) as { sources: string[]; mappings: string };
    this.sources = map.sources;
    let source = 0;
    for (const line of map.mappings.split(";")) {
      const cols: number[] = [];
      const srcs: number[] = [];
      let col = 0;
      for (const segment of line === "" ? [] : line.split(",")) {
        const v = decodeVlq(segment);
        col += v[0] ?? 0;
        if (v.length >= 4) source += v[1] ?? 0;
        cols.push(col);
        srcs.push(v.length >= 4 ? source : -1);
      }
      this.lines.push({ cols: Int32Array.from(cols), sources: Int32Array.from(srcs) });
    }
  }

  /** The source file of a 0-based bundle position, or null. */
  fileAt(line: number, column: number): string | null {
    const l = this.lines[line];
    if (l === undefined || l.cols.length === 0) return null;
    let lo = 0;
    let hi = l.cols.length - 1;
    if ((l.cols[0] ?? 0) > column) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((l.cols[mid] ?? 0) <= column) lo = mid;
      else hi = mid - 1;
    }
    const s = l.sources[lo] ?? -1;
    return s < 0 ? null : (this.sources[s] ?? null);
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  /** µs since the epoch (measured with Bun 1.4.5). */
  startTime: number;
}

/**
 * The samples of one `--cpu-prof` file as stacks. Each sample weighs the sampling interval (idle
 * time between samples is not CPU time); bundle frames are named by their source file via `map`.
 */
export function cpuProfileStacks(path: string, map: SourceMap | null, intervalUs: number): Stack[] {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Frame[]>();
  const framesOf = (id: number): Frame[] => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const out: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const cf = byId.get(at)?.callFrame;
      if (cf === undefined) break;
      const bundled = cf.url.includes("/$bunfs/");
      const file = bundled ? (map?.fileAt(cf.lineNumber, cf.columnNumber) ?? cf.url) : cf.url;
      out.push({ fn: cf.functionName, file });
    }
    memo.set(id, out);
    return out;
  };
  let at = profile.startTime;
  return profile.samples.map((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return { thread: "main", main: true, frames: framesOf(id), us: intervalUs, at };
  });
}

/**
 * The samples of `perf script -F pid,tid,comm,ip,sym,dso` (recorded with -g) as stacks, each
 * weighing 1e6 / frequency µs. Frames without a symbol keep their shared object as `file`.
 */
export function perfStacks(text: string, hz: number): Stack[] {
  const us = 1e6 / hz;
  const out: Stack[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    const head = lines[0];
    if (head === undefined) continue;
    const m = /^\s*(.*?)\s+(\d+)\/(\d+)\s*$/.exec(head) ?? /^\s*(.*?)\s+(\d+)\/(\d+)\s/.exec(head);
    if (m === null) continue;
    const frames: Frame[] = [];
    for (const l of lines.slice(1)) {
      const f = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(l);
      if (f === null) continue;
      const sym = f[1] === "[unknown]" ? "" : (f[1] ?? "").replace(/\+0x[0-9a-f]+$/, "");
      frames.push({ fn: sym, file: f[2] === "[kernel.kallsyms]" ? "[kernel]" : (f[2] ?? "") });
    }
    out.push({ thread: (m[1] ?? "").trim(), main: m[2] === m[3], frames, us, at: 0 });
  }
  return out;
}

// --- internal ---

const B64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = B64.get(c) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
