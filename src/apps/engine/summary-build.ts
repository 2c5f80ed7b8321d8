import { displayName } from "../../domain/rel-path.ts";
import type { TransferSummary } from "../../domain/summary.ts";
import type { RunStats } from "./run-stats.ts";
import type { TransferRequest } from "./transfer-request.ts";

/** How a run's bytes travelled. */
export interface RunTransport {
  readonly route: TransferSummary["route"];
  readonly transport: TransferSummary["transport"];
  readonly fallbackReason: string | null;
  readonly tls: boolean;
}

/** The SPEC §3 summary object of a finished run. */
export function buildSummary(req: TransferRequest, stats: RunStats, withheld: string | null, how: RunTransport): TransferSummary {
  const ms = Math.max(stats.elapsedMs(), 0);
  const failed = stats.failures.length;
  return {
    operation: req.verb,
    source: req.source,
    destination: req.destination,
    route: how.route,
    transport: how.transport,
    dry_run: req.dryRun,
    files_examined: stats.examined,
    files_transferred: stats.transferred,
    files_skipped: stats.skipped,
    bytes_transferred: stats.bytes,
    entries_deleted: stats.deleted,
    sources_removed: stats.sourcesRemoved,
    files_failed: failed,
    files_verified: stats.verified,
    files_resent: stats.resent,
    failures: stats.failures.map((f) => ({ path: displayName(f.path), error: f.error.message, code: f.error.code })),
    duration_ms: Math.round(ms),
    bytes_per_sec: ms > 0 ? Math.round((stats.bytes * 1000) / ms) : 0,
    zero_copy_bytes: stats.zeroCopyBytes,
    tls: how.tls,
    fallback_reason: how.fallbackReason,
    outcome: failed > 0 || withheld !== null ? "partial" : req.dryRun ? "dry-run" : "success",
  };
}
