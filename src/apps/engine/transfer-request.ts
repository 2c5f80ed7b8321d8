import type { AttributeDifference } from "../../domain/compare.ts";
import type { LocalEndpoint, RemoteEndpoint } from "../../domain/endpoint.ts";
import type { RelPath } from "../../domain/rel-path.ts";
import type { TransferSummary } from "../../domain/summary.ts";
import type { TransferOptions } from "../../ports/delegation.ts";
import type { Store } from "../../ports/store.ts";

export type Verb = TransferOptions["verb"];

/** Everything a transfer needs to know, parsed and validated by the CLI. */
export interface TransferRequest extends TransferOptions {
  /** The source and destination as the user typed them. */
  readonly source: string;
  readonly destination: string;
  /** Upper bound on worker threads (a cap, never a tuning knob). */
  readonly maxThreads: number | null;
  /** Carry file data inside gRPC (--force-grpc-data, BLIT_FORCE_GRPC_DATA=1). */
  readonly forceGrpcData?: boolean;
  /**
   * Ends given already parsed or opened (a daemon running a delegated pull); absent: `source` and
   * `destination` are parsed as endpoints, and then only name the ends in messages.
   */
  readonly ends?: { readonly source: TransferEnd; readonly destination: TransferEnd };
}

/**
 * A directory of a store this process holds (a daemon's own module) as a transfer end. The store
 * is rooted at the module root and keeps paths inside it; `path` is a place inside it.
 */
export interface StoreEnd {
  readonly kind: "store";
  readonly store: Store;
  readonly path: RelPath;
  /** Written as `dir/` (an existing or new directory). */
  readonly trailingSlash: boolean;
  /** How messages name the place, e.g. `module 'backup'`; also what overlap checks compare. */
  readonly label: string;
}

/** One end of a transfer. */
export type TransferEnd = LocalEndpoint | RemoteEndpoint | StoreEnd;

/** Asked before a destructive step; resolves true to go ahead. */
export type Confirm = (question: string) => Promise<boolean>;

/** Result of `blit check`: what differs between two trees. */
export interface CheckReport {
  readonly source: string;
  readonly destination: string;
  readonly files_examined: number;
  /** One per path. `reason`: missing (only in the source), extra (only in the destination), type (another kind),
   * size, mtime (a file the quick check would send, or, kept by --size-only or -c, whose mtime a transfer would set),
   * content (-c), target (a symlink's), or an attribute a transfer would set on a kept file or a directory: mode,
   * xattrs (extended attributes), acls (POSIX ACLs), owner (never today: check does not compare owners). */
  readonly differences: readonly { readonly path: string; readonly reason: "missing" | "extra" | "content" | "size" | "type" | "target" | AttributeDifference }[];
  readonly identical: boolean;
  readonly duration_ms: number;
}

export type { TransferSummary };
