/**
 * The `--json` summary object of SPEC §3 (field names are part of the interface). `route` is how
 * the bytes went: `remote` is remote→remote relayed through the client, `delegated` is
 * remote→remote pulled by the destination daemon straight from the source daemon.
 */
export interface TransferSummary {
  operation: "copy" | "mirror" | "move";
  source: string;
  destination: string;
  route: "local" | "push" | "pull" | "remote" | "delegated";
  transport: "local" | "tcp" | "grpc" | "rdma";
  dry_run: boolean;
  files_examined: number;
  files_transferred: number;
  files_skipped: number;
  bytes_transferred: number;
  /** Every entry a mirror deleted (or would delete), each file inside a deleted directory included. */
  entries_deleted: number;
  /** Source entries a move removed after they landed (files, symlinks and emptied directories). */
  sources_removed: number;
  files_failed: number;
  /** Files that crossed a network and were checked end to end before their rename (SPEC §3). */
  files_verified: number;
  /** Of those, files that arrived different from what was sent and were sent a second time. */
  files_resent: number;
  failures: { path: string; error: string; code: string }[];
  duration_ms: number;
  bytes_per_sec: number;
  zero_copy_bytes: number;
  /** The data plane was encrypted (TLS 1.3); zero-copy is off for those bytes. False for local runs. */
  tls: boolean;
  fallback_reason: string | null;
  outcome: "success" | "partial" | "failed" | "dry-run" | "cancelled";
}

/**
 * What `--json` prints on stdout for every run past argument parsing: the summary plus how the
 * run ended. `error` is null for a run that finished (success, partial, dry run), else what ended
 * it; `exit_code` is the process's; `attempts` counts runs of the verb (more than 1 with --retry).
 */
export interface RunSummary extends TransferSummary {
  attempts: number;
  exit_code: number;
  error: { code: string; message: string } | null;
}

/** What is known of a run that ended with an error before it could summarise itself. */
export interface EndedRun {
  readonly operation: TransferSummary["operation"];
  readonly source: string;
  readonly destination: string;
  readonly route: TransferSummary["route"];
  readonly transport: TransferSummary["transport"];
  readonly tls?: boolean;
  readonly dryRun: boolean;
  /** Files and bytes that landed before the end, as the last progress snapshot counted them. */
  readonly filesDone: number;
  readonly bytesDone: number;
  readonly durationMs: number;
  readonly attempts: number;
  readonly error: { readonly code: string; readonly message: string };
  readonly exitCode: number;
}

/** The summary object of a run that failed outright (outcome "failed", or "cancelled" for CANCELLED). */
export function endedRunSummary(run: EndedRun): RunSummary {
  const ms = Math.max(0, Math.round(run.durationMs));
  return {
    operation: run.operation,
    source: run.source,
    destination: run.destination,
    route: run.route,
    transport: run.transport,
    dry_run: run.dryRun,
    files_examined: 0,
    files_transferred: run.filesDone,
    files_skipped: 0,
    bytes_transferred: run.bytesDone,
    entries_deleted: 0,
    sources_removed: 0,
    files_failed: 0,
    files_verified: 0,
    files_resent: 0,
    failures: [],
    duration_ms: ms,
    bytes_per_sec: ms > 0 ? Math.round((run.bytesDone * 1000) / ms) : 0,
    zero_copy_bytes: 0,
    tls: run.tls ?? false,
    fallback_reason: null,
    outcome: run.error.code === "CANCELLED" ? "cancelled" : "failed",
    attempts: run.attempts,
    exit_code: run.exitCode,
    error: { code: run.error.code, message: run.error.message },
  };
}

/** "cancelled" is the last phase of a run stopped by the user (Ctrl-C, SIGTERM). */
export type Phase = "scan" | "copy" | "delete" | "sync" | "done" | "cancelled";

/** A live progress snapshot (the -p line and NDJSON progress records). */
export interface ProgressSnapshot {
  readonly phase: Phase;
  readonly filesDone: number;
  readonly filesPlanned: number;
  readonly bytesDone: number;
  readonly bytesPlanned: number;
  readonly bytesPerSec: number;
  /** Seconds left, null while unknown (scan still running) and once cancelled. */
  readonly etaSec: number | null;
  readonly current: string;
  readonly scanComplete: boolean;
}
