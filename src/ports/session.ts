import type { Caller } from "./control.ts";
import type { BlitError } from "../domain/errors.ts";
import type { DirEntry, EntryMeta } from "../domain/entry.ts";
import type { Unchecked } from "../domain/peer-path.ts";
import type { RelPath } from "../domain/rel-path.ts";
import type { RemoteTarget } from "./control.ts";
import type { MetaUpdate, OpResult } from "./store.ts";
import type { SnapshotStep } from "./store-capabilities.ts";
import type { DataTransports } from "./data-transports.ts";

/**
 * A transfer session (proto/PROTOCOL.md): the client uses a directory of a daemon as a Store.
 * `push`: the daemon's side is the destination; `pull`: the source. Requests and replies travel on
 * the control stream; file bytes on the data plane, named by `fileId`.
 */
export type SessionRole = "push" | "pull";

/** First message of a session. */
export interface SessionHeader {
  readonly role: SessionRole;
  /** The session's root on the daemon; every request path is relative to it. */
  readonly root: RemoteTarget;
  /** Pull: the client will remove source entries (move); needs a writable module. */
  readonly move: boolean;
  /** The client insists on gRPC data (--force-grpc-data, BLIT_FORCE_GRPC_DATA=1). */
  readonly forceGrpcData: boolean;
  /** Parallel data streams the client would like (its predictor's choice); 0 or absent: the daemon decides. */
  readonly maxStreams?: number;
  /** The client has an active RDMA port (the daemon may offer RDMA). */
  readonly rdma?: boolean;
}

/** How the daemon offers to move file bytes. */
export interface DataNegotiation {
  /** TCP data port on the control plane's address; 0 when only gRPC data is offered. */
  readonly dataPort: number;
  /** One-time token (≥128 bits), presented first on every data connection. */
  readonly token: Uint8Array;
  readonly streams: number;
  /** True when the daemon chose gRPC data itself (--force-grpc-data on its side). */
  readonly grpcData: boolean;
  readonly fallbackReason: string;
  /** The daemon's RDMA connection port (control-plane address) when it offers RDMA; 0 or absent otherwise. */
  readonly rdmaPort?: number;
}

/**
 * Names and paths in the messages below are RelPaths where this side sends them, and `Unchecked`
 * (the `P` / `N` parameters) where they arrive from the peer: the receiver must pass each through
 * domain/peer-path.ts before using it.
 */

/** One file named on the data plane. */
export interface ReadItem<P = RelPath> {
  readonly fileId: number;
  readonly path: P;
  readonly offset: number;
}

export interface WriteItem<P = RelPath> {
  readonly fileId: number;
  readonly path: P;
  readonly meta: EntryMeta;
  readonly resume: boolean;
  /** --resume decided by the client: keep this many leading bytes of the existing file (0: none). */
  readonly resumeFrom: number;
}

/** One operation on the session's store, without its id. */
export type StoreOp<P = RelPath> =
  | { readonly op: "stat" | "list" | "hash" | "blockHashes"; readonly path: P }
  | { readonly op: "read"; readonly items: readonly ReadItem<P>[] }
  | { readonly op: "write"; readonly items: readonly WriteItem<P>[] }
  | { readonly op: "setMeta"; readonly entries: readonly (Omit<MetaUpdate, "path"> & { readonly path: P })[] }
  | { readonly op: "remove"; readonly paths: readonly P[]; readonly onlyEmptyDirs: boolean }
  | { readonly op: "sync" }
  | { readonly op: "claim"; readonly path: P; readonly exclusive: boolean }
  | { readonly op: "snapshot"; readonly steps: readonly { readonly how: SnapshotStep["how"]; readonly from: P; readonly to: P }[] }
  | { readonly op: "link"; readonly links: readonly { readonly path: P; readonly to: P }[] };

/** One operation on the session's store; `id` is unique among requests in flight. */
export type StoreRequest<P = RelPath> = { readonly id: number } & StoreOp<P>;

/** A listing failure as it travels (the error rebuilt on arrival). */
export interface NameFailure<N = string> {
  readonly name: N;
  readonly error: BlitError;
}

/** What an answer says. */
export type StoreAnswer<N = string> =
  | { readonly kind: "stat"; readonly meta: EntryMeta | null }
  | { readonly kind: "listing"; readonly entries: readonly (Omit<DirEntry, "name"> & { readonly name: N })[]; readonly failures: readonly NameFailure<N>[] }
  | { readonly kind: "results"; readonly results: readonly OpResult[] }
  | { readonly kind: "hash"; readonly hash: Uint8Array }
  | { readonly kind: "blockHashes"; readonly hashes: Uint8Array }
  | { readonly kind: "sync"; readonly durable: boolean; readonly reason: string }
  | { readonly kind: "error"; readonly error: BlitError };

/** An answer to one request; listings come in pieces, `last` on the final one. */
export type StoreReply<N = string> = { readonly id: number; readonly last: boolean } & StoreAnswer<N>;

export type ClientMessage<P = RelPath> =
  | { readonly t: "request"; readonly request: StoreRequest<P> }
  | { readonly t: "choice"; readonly grpc: boolean; readonly reason: string };

export type ServerMessage<N = string> =
  | { readonly t: "reply"; readonly reply: StoreReply<N> }
  | { readonly t: "meter"; readonly bytes: number };

/** The client's end of an open session (after the negotiation arrived). */
export interface SessionClient extends AsyncDisposable {
  readonly negotiation: DataNegotiation;
  /**
   * The data transports for this session's daemon (over TLS, they accept only its certificate);
   * absent: the connector's `transports`.
   */
  readonly data?: DataTransports;
  send(message: ClientMessage): void;
  /** Replies and meters; ends when the daemon ends the session, throws its error otherwise. */
  readonly incoming: AsyncIterable<ServerMessage<Unchecked>>;
}

/** The daemon's end of a session. */
export interface SessionLink {
  readonly header: SessionHeader;
  /** Who the client is (`address:port`), for the log. */
  readonly peer?: string;
  /** Who the client is, with the credentials it presented (the daemon checks them in `negotiate`). */
  readonly caller?: Caller;
  /** Host the client reached the control plane at (the data plane binds the same address). */
  send(message: ServerMessage): void;
  readonly incoming: AsyncIterable<ClientMessage<Unchecked>>;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
}

/** Serves sessions (the daemon implements it; the gRPC server calls it). */
export interface SessionService {
  /** What the daemon offers for a new session; `begin` then runs it to the end. */
  negotiate(header: SessionHeader, caller?: Caller): Promise<DataNegotiation>;
  serve(link: SessionLink, negotiation: DataNegotiation): Promise<void>;
}

/** How the CLI reaches daemons. */
export interface SessionConnector {
  open(address: { host: string; port: number }, header: SessionHeader, signal: AbortSignal): Promise<SessionClient>;
  /**
   * The data-plane transports by name (plaintext): the TCP data plane, the gRPC fallback (dials
   * the control port) and, when this machine has an active RDMA port, RDMA.
   */
  readonly transports: DataTransports;
}
