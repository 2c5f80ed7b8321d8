import type { Caller } from "./control.ts";
import type { FilterOptions } from "../domain/filter.ts";
import type { CompareMode } from "../domain/plan.ts";
import type { ProgressSnapshot, TransferSummary } from "../domain/summary.ts";
import type { RemoteTarget } from "./control.ts";
import type { ItemChange } from "../domain/itemize.ts";
import type { ItemAction } from "./reporter.ts";

/**
 * A delegated pull (SPEC §6 remote→remote): the client asks the destination daemon to pull from
 * the source daemon itself, so the file data never passes through the client's machine.
 */
export interface DelegatedPull {
  /** The source daemon as the destination daemon must reach it, and what to read there. */
  readonly source: {
    readonly host: string;
    readonly port: number;
    readonly target: RemoteTarget;
    /** `src/`: the source directory's contents, not the directory itself. */
    readonly contentsOnly: boolean;
  };
  /** Where the files land on the destination daemon. */
  readonly destination: { readonly target: RemoteTarget; readonly trailingSlash: boolean };
  readonly options: DelegatedOptions;
}

/** What a transfer does, on any route (SPEC §3): the verb, how files compare, which are in scope. */
export interface TransferOptions {
  readonly verb: "copy" | "mirror" | "move";
  readonly compare: CompareMode;
  /** Never touch a destination file that exists. */
  readonly ignoreExisting: boolean;
  readonly filter: FilterOptions;
  /** Plan and report, change nothing. */
  readonly dryRun: boolean;
  /** Mirror: when more deletions are planned than this, none is made (exit 8); null = no limit. */
  readonly maxDelete: number | null;
  /** Continue partial files from their first differing block. */
  readonly resume: boolean;
  /** Mirror: also delete destination entries the include/exclude rules leave out (--delete-excluded). */
  readonly deleteExcluded?: boolean;
  /** --timeout: a run in which nothing moves for this long ends STALLED (exit 7); 0 = never; absent: 10 s. */
  readonly timeoutSec?: number;
  /** --bwlimit: the bytes the run moves per second (each direction, all data connections); absent: no limit. */
  readonly bwlimit?: number;
  /**
   * --link-dest DIR (repeatable, tried in order): a file to send whose copy in DIR is unchanged is
   * hard-linked to it instead. DIR as typed; a relative one is relative to the destination.
   */
  readonly linkDest?: readonly string[];
  /** --backup-dir DIR: destination files replaced or deleted are moved there (same path below it). */
  readonly backupDir?: string;
}

/** The options the client would have used itself. */
export interface DelegatedOptions extends TransferOptions {
  /** Carry the data between the daemons inside gRPC. */
  readonly forceGrpcData: boolean;
}

/** The counters and outcome of a delegated run (the client adds the names the user typed). */
export type DelegatedSummary = Omit<TransferSummary, "operation" | "source" | "destination" | "route" | "dry_run" | "tls">;

/** What a delegated pull reports while it runs; `summary` comes last, exactly once. */
export type DelegationEvent =
  | { readonly t: "progress"; readonly snapshot: ProgressSnapshot }
  | { readonly t: "warning"; readonly message: string }
  | { readonly t: "item"; readonly action: ItemAction; readonly path: string; readonly change?: ItemChange }
  | { readonly t: "summary"; readonly summary: DelegatedSummary };

/**
 * Runs delegated pulls (the daemon implements it; the gRPC server calls it).
 *
 * `pull` checks first, before any connection is made, that delegation is allowed from that source
 * (else PERMISSION_DENIED with `details.delegation = "refused"`), then that the destination is a
 * writable place inside a module (NOT_FOUND, PATH_ESCAPE, READ_ONLY). When the source daemon cannot
 * be reached it throws UNREACHABLE with `details.delegation = "source-unreachable"`. The events
 * stop when `signal` aborts (CANCELLED). No event or error holds a server-side absolute path.
 */
export interface DelegationService {
  pull(request: DelegatedPull, signal: AbortSignal, caller?: Caller): AsyncIterable<DelegationEvent>;
}

/** The client's side: asks the daemon at `address` to run a delegated pull (same errors as the service). */
export interface DelegationClient {
  delegatedPull(address: { readonly host: string; readonly port: number }, request: DelegatedPull, signal: AbortSignal): AsyncIterable<DelegationEvent>;
}
