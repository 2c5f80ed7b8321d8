import type { BlitError } from "../../domain/errors.ts";
import type { FileTarget } from "../../ports/store-capabilities.ts";
import type { Loan, WholeFile } from "./chunk-loans.ts";
import type { IncomingDigest } from "./file-digest.ts";

/** What FileDemux keeps about each file arriving on a session's data connections. */

/** A file whose consumer gave a FileTarget (readInto): its bytes are written there, not streamed. */
export interface Target {
  readonly sink: FileTarget;
  bytes: number;
  zeroCopy: number;
  /** A channel is writing into `sink.fd`: the target must not settle before that ends. */
  receiving: boolean;
  /** The bytes that arrived before the target was given are still being written. */
  draining: boolean;
  hashing: number; // records a channel wrote into `sink.fd` and still reads back to hash
  /** How the file ended, once it did (null: complete); undefined while it goes on. */
  end: BlitError | null | undefined;
  settled: boolean;
  resolve(r: { bytes: number; zeroCopyBytes: number }): void;
  reject(e: BlitError): void;
}

export interface Incoming {
  /** Created by `stream()`; until then (and for `whole()`) pieces wait in `queued`. */
  controller: ReadableStreamDefaultController<Uint8Array> | null;
  /** Set by `whole()`: settled when the file ends. */
  whole: { resolve(file: WholeFile): void; reject(e: BlitError): void } | null;
  queued: Uint8Array[];
  /** The loan each queued piece belongs to (null: its memory is the file's own). */
  loans: (Loan | null)[];
  /** Offset of the next byte; set by `stream(fileId, offset)` or by the first record. */
  next: number;
  /** The start offset is known (claimed by `stream` or set by the first record). */
  placed: boolean;
  done: boolean;
  error: BlitError | null;
  room: (() => void) | null;
  /** Pieces (a hole's zeros) still going into the stream, each waiting for room; later pieces wait for them. */
  feeding: Promise<void> | null;
  /** Where its bytes start. */
  start: number;
  /** Most bytes a `whole()` claim takes; more fail the file (a peer lying about a small file). */
  limit: number;
  /** `stream()`, `whole()` or `readInto()` claimed it: forgotten once done too. */
  taken: boolean;
  /** Bytes that went into `stream` (before a target was given, if one was). */
  streamed: number;
  target: Target | null;
  /** What it costs the unannounced budget (nobody named or claimed it yet). */
  charged: number;
  /** What arrived, for the check against the sender's EOF digest. */
  readonly digest: IncomingDigest;
}
