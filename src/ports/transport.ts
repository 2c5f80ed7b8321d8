import type { BlitError } from "../domain/errors.ts";

/**
 * An open byte channel between two blit processes (one data-plane connection).
 *
 * Guarantees every adapter keeps (checked by test/contract/transport.contract.ts):
 * - Bytes arrive in order and unchanged; `send` resolves once the transport accepted them, and
 *   waits while the peer does not read (backpressure), so memory stays bounded.
 * - `incoming` yields what the peer sent and ends after the peer's `end()`; when the peer vanishes
 *   without ending, it throws PEER_CLOSED. Each chunk it yields belongs to the consumer: the
 *   adapter never reuses or changes its memory afterwards (so it can be kept without a copy),
 *   unless the consumer hands it back with `release`.
 * - Disposing closes the channel at once (the peer sees PEER_CLOSED); `send` after that, or while
 *   `signal` is aborted, throws CANCELLED.
 */
export interface Channel extends AsyncDisposable {
  /** Sends bytes; resolves when the transport accepted them (backpressure). */
  send(bytes: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Incoming bytes until the peer ends; PEER_CLOSED when it vanished instead. */
  readonly incoming: AsyncIterable<Uint8Array>;
  /**
   * Optional: the consumer is done with chunk `chunk` of `incoming` and keeps no reference into
   * it; the adapter may reuse its memory. A consumer that never calls it loses nothing.
   */
  release?(chunk: Uint8Array): void;
  /** Ends the sending side once everything sent was flushed. */
  end(): Promise<void>;
  /** The peer's IP address, when the transport knows it (per-address limits, the log). */
  readonly remoteAddress?: string;
  /** True when the connection is encrypted (TLS): no zero-copy path then. */
  readonly encrypted?: boolean;
  /**
   * Over TLS: the proof of a data-plane token bound to this connection's TLS session — an HMAC
   * keyed by the token over the TLS exporter (RFC 8446 §7.5), the same at both ends of this
   * connection and useless on any other. Absent on plaintext channels (the token itself is sent).
   */
  sessionBinding?(token: Uint8Array): Uint8Array;
  /** Bytes this channel sent with a zero-copy path (sendfile/splice), for the summary. */
  readonly zeroCopyBytes?: number;
  /**
   * Optional zero-copy send: `head`, then `length` bytes of the open file `file` from `offset`,
   * ordered after every earlier `send` (the file's bytes go to the kernel straight from the page
   * cache, without passing through memory the caller sees). Resolves null, having sent nothing,
   * when this channel cannot send from files (the caller then uses `send`). Otherwise resolves with
   * the file bytes sent: fewer than `length` when the file ended early or could not be read
   * (`error`), and the caller must complete what `head` announced itself. Throws PEER_CLOSED when
   * the connection broke and CANCELLED on `signal`; the channel is then closed (a record was cut).
   */
  sendFile?(head: Uint8Array, file: { readonly fd: number }, offset: number, length: number, signal?: AbortSignal): Promise<FileIoOutcome | null>;
  /**
   * Optional zero-copy receive: takes the next `length` bytes of the connection and writes them
   * into the open file `file` at `offset` (splice on Linux TCP), without handing them to
   * `incoming`. Only possible when no byte already received waits in `incoming`: then, and when
   * this channel cannot write to files, it resolves null having taken nothing (the caller reads
   * them from `incoming`). Otherwise it resolves once all `length` bytes were taken, with `error`
   * set (and `bytes` 0) when the file could not be written (the bytes were dropped). Throws
   * PEER_CLOSED when the connection ended first and CANCELLED on `signal`; the channel is then
   * closed. The caller must not close `file` before it settles. When all bytes were written, the
   * outcome's `digest` is the record digest of the file's bytes from `hashFrom` (default `offset`) to
   * `offset + length`, read back from the file after writing (the bytes before `offset` are the
   * caller's, already written).
   */
  receiveFile?(file: { readonly fd: number }, offset: number, length: number, signal?: AbortSignal, hashFrom?: number): Promise<FileIoOutcome | null>;
}

/** What {@link Channel.sendFile} sent or {@link Channel.receiveFile} wrote. */
export interface FileIoOutcome {
  /** File bytes sent, or written into the file. */
  readonly bytes: number;
  /** Of `bytes`, those that took the zero-copy path (the rest were copied through a buffer). */
  readonly zeroCopyBytes: number;
  /** Why the file supplied fewer bytes than asked for, or could not take them. */
  readonly error?: BlitError;
  /**
   * Record digest (file-digest.ts) of the file bytes the job covered, read back from the file
   * (sendFile: the `bytes` sent, from the page cache; receiveFile: see there); absent on an error.
   * It may still be computing (a promise, settled before the file may be closed): the channel
   * moves the next bytes meanwhile.
   */
  readonly digest?: Uint8Array | Promise<Uint8Array>;
}

/** A bound listening endpoint; reports the address it really bound (port 0 allowed). */
export interface Listener extends AsyncDisposable {
  readonly address: { readonly host: string; readonly port: number };
  /** The next connection; CANCELLED once the listener is disposed or `signal` aborts. */
  accept(signal?: AbortSignal): Promise<Channel>;
}

export interface TransportCapabilities {
  readonly zeroCopy: boolean;
}

/**
 * Moves data-plane bytes between a client and a daemon (TCP data plane, gRPC fallback, RDMA,
 * memory). Errors: UNREACHABLE, TRANSPORT_UNAVAILABLE, PEER_CLOSED, TIMEOUT, CANCELLED.
 */
export interface Transport {
  readonly name: "tcp" | "grpc" | "rdma" | "memory";
  readonly capabilities: TransportCapabilities;
  listen(address: { host: string; port: number }, signal?: AbortSignal): Promise<Listener>;
  dial(address: { host: string; port: number }, signal?: AbortSignal): Promise<Channel>;
}
