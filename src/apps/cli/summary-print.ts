import { displayName } from "../../domain/rel-path.ts";
import type { RunSummary, TransferSummary } from "../../domain/summary.ts";
import type { CheckReport } from "../engine/transfer-request.ts";

/** What a finished run prints: `stdout` and `stderr` text (each "" or ending in a newline). */
export interface Printed {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The end of a transfer: with `json`, exactly the RunSummary as one JSON object on stdout;
 * otherwise one human line on stdout. Failures are listed on stderr, one per line, in both modes.
 */
export function printTransferSummary(summary: RunSummary, json: boolean): Printed {
  const failures = summary.failures.map((f) => `blit: ${f.path === "" ? "" : `${displayName(f.path)}: `}${f.error}\n`).join("");
  return { stdout: json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`, stderr: failures };
}

/**
 * The end of `blit check`: with `json`, the CheckReport on stdout; otherwise each difference as
 * `<reason>\t<path>` on stdout and one summary line on stderr.
 */
export function printCheckReport(report: CheckReport, json: boolean): Printed {
  if (json) return { stdout: `${JSON.stringify(report)}\n`, stderr: "" };
  const lines = report.differences.map((d) => `${d.reason}\t${displayName(d.path)}\n`).join("");
  const n = report.differences.length;
  const verdict = report.identical ? "identical" : `${formatCount(n)} difference${n === 1 ? "" : "s"}`;
  const files = report.files_examined === 1 ? "file" : "files";
  const line = `check: ${formatCount(report.files_examined)} ${files} examined, ${verdict} in ${formatDuration(report.duration_ms)}\n`;
  return { stdout: lines, stderr: line };
}

/** e.g. `copy: 1,234 files examined, 1,200 transferred (4.1 GB), 34 skipped, 0 deleted, 0 failed in 2.31 s (1.78 GB/s)`. */
export function formatSummary(s: TransferSummary): string {
  const dry = s.dry_run;
  const head = `${s.operation}${dry ? " (dry run)" : ""}`;
  const counts = [
    `${formatCount(s.files_examined)} ${s.files_examined === 1 ? "file" : "files"} examined`,
    `${formatCount(s.files_transferred)} ${dry ? "to transfer" : "transferred"} (${formatBytes(s.bytes_transferred)})`,
    `${formatCount(s.files_skipped)} skipped`,
    s.operation === "move" ? `${formatCount(s.sources_removed)} ${dry ? "to remove" : "removed"} from the source` : `${formatCount(s.entries_deleted)} ${dry ? "to delete" : "deleted"}`,
    `${formatCount(s.files_failed)} failed`,
  ].join(", ");
  const extras = dry || s.bytes_transferred === 0 ? [] : [`${formatBytes(s.bytes_per_sec)}/s`];
  if (!dry && s.zero_copy_bytes > 0) extras.push(`${formatBytes(s.zero_copy_bytes)} zero-copy`);
  if (s.transport !== "local") extras.push(`over ${s.transport}`);
  const tail = extras.length > 0 ? ` (${extras.join(", ")})` : "";
  const fallback = s.fallback_reason === null ? "" : `; fallback: ${s.fallback_reason}`;
  return `${head}: ${counts} in ${formatDuration(s.duration_ms)}${tail}${fallback}`;
}

/** Decimal units, three significant digits: `512 B`, `4.1 GB`, `1.78 GB`, `312 MB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(Number.isFinite(bytes) ? bytes : 0))} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${trimZeros(value.toFixed(digits))} ${UNITS[unit]}`;
}

/** `1,234`. */
/** 1234567 → "1,234,567" (by hand: toLocaleString loads ICU, ~10 ms of every run). */
export function formatCount(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  let out = "";
  for (let i = digits.length; i > 0; i -= 3) out = `${digits.slice(Math.max(0, i - 3), i)}${out === "" ? "" : ","}${out}`;
  return n < 0 && out !== "0" ? `-${out}` : out;
}

/** `0.02 s`, `2.31 s`, `42.5 s`, `3 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  const sec = Math.max(0, ms) / 1000;
  if (sec < 10) return `${sec.toFixed(2)} s`;
  if (sec < 60) return `${sec.toFixed(1)} s`;
  const whole = Math.round(sec);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")} min`;
}

// --- internal ---

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB"] as const;

const trimZeros = (text: string): string => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);
