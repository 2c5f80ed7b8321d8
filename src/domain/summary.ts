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
  entries_deleted: number;
  files_failed: number;
  failures: { path: string; error: string; code: string }[];
  duration_ms: number;
  bytes_per_sec: number;
  zero_copy_bytes: number;
  fallback_reason: string | null;
  outcome: "success" | "partial" | "failed" | "dry-run";
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
