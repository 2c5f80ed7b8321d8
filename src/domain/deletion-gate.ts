/** What the engine knows about a run when a mirror is about to delete. */
export interface DeletionGateInput {
  /** Every source directory was listed and every source entry read. */
  readonly scanComplete: boolean;
  /** Entries whose transfer failed. */
  readonly failedEntries: number;
  /** The connection to a peer was lost (or timed out / stalled). */
  readonly interrupted: boolean;
  /** Deletions the plan holds. */
  readonly planned: number;
  /** `--max-delete N`; null when not given. */
  readonly maxDelete: number | null;
}

/** Whether a mirror may delete; when not, the error code the run ends with and why. */
export type DeletionDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: "PARTIAL" | "PEER_CLOSED"; readonly reason: string };

/**
 * The mirror-safety rule of SPEC §3: deletions are all or nothing, and happen only after every
 * transfer succeeded and the source scan was complete. A lost connection withholds them with
 * PEER_CLOSED (exit 7, retryable); a failed entry, an incomplete scan or more planned deletions
 * than `--max-delete` withhold them with PARTIAL (exit 8). Checked in that order.
 */
export function decideDeletions(input: DeletionGateInput): DeletionDecision {
  const { scanComplete, failedEntries, interrupted, planned, maxDelete } = input;
  if (interrupted) {
    return { allowed: false, code: "PEER_CLOSED", reason: "the connection was lost: no deletions were made" };
  }
  if (failedEntries > 0) {
    const what = failedEntries === 1 ? "1 entry" : `${failedEntries} entries`;
    return { allowed: false, code: "PARTIAL", reason: `${what} failed to transfer: no deletions were made` };
  }
  if (!scanComplete) {
    return {
      allowed: false,
      code: "PARTIAL",
      reason: "the source could not be read completely: no deletions were made",
    };
  }
  if (maxDelete !== null && planned > maxDelete) {
    return {
      allowed: false,
      code: "PARTIAL",
      reason: `${planned} deletions planned, more than --max-delete ${maxDelete}: no deletions were made`,
    };
  }
  return { allowed: true };
}
