import type { PlanOptions } from "../../domain/plan.ts";
import type { Snapshot } from "./snapshot.ts";
import type { Pacer } from "./throttle.ts";

/** How a tree sync (tree-sync.ts) plans and writes. */
export interface TreeSyncOptions {
  readonly plan: PlanOptions;
  readonly dryRun: boolean;
  readonly resume: boolean;
  readonly verified: boolean; // files cross a network, checked end to end (writeResending)
  /** --bwlimit of a local run: each file's bytes are paid for before it is written (no directory pass). */
  readonly pace?: Pacer | null;
  /** --link-dest / --backup-dir steps (snapshot.ts); null or absent: none. */
  readonly snapshot?: Snapshot | null;
}
