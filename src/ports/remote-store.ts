import type { RemoteEndpoint } from "../domain/endpoint.ts";
import type { BlitError } from "../domain/errors.ts";
import type { RelPath } from "../domain/rel-path.ts";
import type { Store } from "./store.ts";
import type { Channel } from "./transport.ts";

/**
 * What the engine needs from the remote end of a transfer: a daemon's module opened as a Store
 * (one session on the daemon), and the data plane that session's file bytes travel on. The
 * session-backed adapter is src/adapters/blit-session; the composition root builds it.
 */
export interface RemoteStores {
  /**
   * Opens a session on the daemon of `end`, rooted at its module's root, and starts opening its
   * data plane. The returned store sees the module root; take views of subdirectories with `at`.
   * Errors: UNREACHABLE, AUTH_FAILED, NOT_FOUND, PERMISSION_DENIED, TIMEOUT, CANCELLED.
   */
  open(end: RemoteEndpoint, options: RemoteStoreOptions): Promise<RemoteStore>;
}

/** How the CLI reaches a daemon for one side of a transfer. */
export interface RemoteStoreOptions {
  readonly role: "push" | "pull";
  /** Pull of a move: the daemon will be asked to remove source entries. */
  readonly move: boolean;
  readonly forceGrpcData: boolean;
  /** Data streams to ask for (the predictor's choice); absent: the daemon decides. */
  readonly maxStreams?: number;
  /** --bwlimit: wraps every data connection of the session (null or absent: no pacing). */
  readonly pace?: ((channel: Channel) => Channel) | null;
  readonly signal: AbortSignal;
}

/** The data connections of a session and how they travel. */
export interface DataPlane {
  readonly channels: Channel[];
  readonly transport: "tcp" | "grpc" | "rdma";
  /** Why gRPC carries the data (forced, or the data port could not be reached), or why TCP does when RDMA was offered; else null. */
  readonly fallbackReason: string | null;
}

/** A directory of a daemon as a Store (the client's end of one session). */
export interface RemoteStore extends Store {
  /** `host:port:/module/path`, as messages name this place. */
  readonly location: string;
  /** The data plane, still being opened when the store is returned (a no-op run never waits for it). */
  readonly data: Promise<DataPlane>;
  /** The same session seen from directory `dir` (paths are relative to it); disposing it does nothing. */
  at(dir: RelPath, location: string): RemoteStore;
  /** Ends the session's work at once with `e`: requests in flight fail, the data connections close. */
  abandon(e: BlitError): void;
  /** Bytes of the files read from the daemon that it sent zero-copy, once every read was answered. */
  readZeroCopyBytes(): Promise<number>;
  /** Bytes received on the data plane (pull) or sent (push). */
  readonly dataBytes: number;
}
