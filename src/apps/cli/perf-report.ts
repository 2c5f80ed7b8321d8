import { summarizePerf, type PerfRecord } from "../../domain/perf-record.ts";
import { columns as table } from "../admin/columns.ts";
import { humanBytes } from "../admin/entry-format.ts";

/** What `blit diagnostics perf` prints for people: recent runs, then medians per route and workload. */
export function perfReport(records: readonly PerfRecord[], total: number, location: string, enabled: boolean): string {
  const lines: string[] = [];
  if (records.length === 0) {
    lines.push(`no runs recorded yet in ${location}/perf_local.jsonl`);
  } else {
    lines.push(`Recent runs (${records.length} of ${total}, newest last):`);
    lines.push(
      table([
        ["WHEN", "VERB", "ROUTE", "FS", "FILES", "BYTES", "TIME", "RATE", "WORKERS", "OUTCOME"],
        ...records.map((r) => [
          r.at.replace("T", " ").slice(0, 19),
          r.operation,
          r.route,
          `${r.src_fs}>${r.dst_fs}`,
          String(r.files),
          humanBytes(r.bytes),
          `${r.duration_ms} ms`,
          `${humanBytes(r.bytes_per_sec)}/s`,
          String(r.workers),
          r.error === null ? r.outcome : `${r.outcome} (${r.error})`,
        ]),
      ]),
    );
    lines.push("", "Per route and workload:");
    lines.push(
      table([
        ["ROUTE", "WORKLOAD", "DEST FS", "RUNS", "FAILED", "MEDIAN RATE", "MEDIAN TIME"],
        ...summarizePerf(records).map((g) => [g.route, g.size_class, g.dst_fs, String(g.runs), String(g.failed), `${humanBytes(g.median_bytes_per_sec)}/s`, `${g.median_duration_ms} ms`]),
      ]),
    );
  }
  lines.push("", `Kept in ${location} only; nothing leaves this machine.${enabled ? " BLIT_DISABLE_LOCAL_TELEMETRY=1 turns recording off." : " Recording is off (BLIT_DISABLE_LOCAL_TELEMETRY=1)."}`);
  return `${lines.join("\n")}\n`;
}
