import type { CompareMode } from "../../domain/plan.ts";
import type { FilterOptions } from "../../domain/filter.ts";
import type { TransferSummary } from "../../domain/summary.ts";

export type Verb = "copy" | "mirror" | "move";

/** Everything a transfer needs to know, parsed and validated by the CLI. */
export interface TransferRequest {
  readonly verb: Verb;
  /** The source and destination as the user typed them. */
  readonly source: string;
  readonly destination: string;
  readonly compare: CompareMode;
  readonly ignoreExisting: boolean;
  readonly filter: FilterOptions;
  readonly dryRun: boolean;
  /** Mirror: when more deletions are planned than this, none is made (exit 8). */
  readonly maxDelete: number | null;
  readonly resume: boolean;
  /** Upper bound on worker threads (a cap, never a tuning knob). */
  readonly maxThreads: number | null;
  /** Carry file data inside gRPC (--force-grpc-data, BLIT_FORCE_GRPC_DATA=1). */
  readonly forceGrpcData?: boolean;
}

/** Asked before a destructive step; resolves true to go ahead. */
export type Confirm = (question: string) => Promise<boolean>;

/** Result of `blit check`: what differs between two trees. */
export interface CheckReport {
  readonly source: string;
  readonly destination: string;
  readonly files_examined: number;
  readonly differences: readonly { readonly path: string; readonly reason: "missing" | "extra" | "content" | "size" | "mtime" | "type" | "mode" | "target" }[];
  readonly identical: boolean;
  readonly duration_ms: number;
}

export type { TransferSummary };
