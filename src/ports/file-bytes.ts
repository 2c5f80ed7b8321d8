import type { FileTarget, OpenFile, WholeRead } from "./store-capabilities.ts";

/**
 * The bytes of one file to write (WriteOp.bytes), wherever they come from: another store, a
 * network peer, memory. Only `read` is required; the optional members are fast paths a writer
 * uses when they are there.
 */
export interface FileBytes {
  /** The bytes from `offset`, as a stream. */
  read(offset: number, signal?: AbortSignal): ReadableStream<Uint8Array>;
  /** Files whose `wholes` is the same object may be read whole together, in one call. */
  readonly wholes?: WholeBatch;
  /**
   * Puts the bytes into `target` at their offsets instead of a stream (large payloads straight
   * from a connection); as ReadsInto.readInto. Called with an aborted signal it drops the file.
   */
  readInto?(target: FileTarget, signal?: AbortSignal): Promise<{ readonly bytes: number; readonly zeroCopyBytes: number }>;
  /** Opens the file for a zero-copy send (as OpenFiles.openFile); null when it cannot. */
  open?(): Promise<OpenFile | null>;
  /** True when the bytes, read completely, changed at their source while they were read. */
  changed?(): boolean;
}

/** Reads many small files of one source whole, together (one job, one buffer, one need list). */
export interface WholeBatch {
  /** As WholeReads.readWhole, for `files` (each of which names this batch as its `wholes`). */
  readWhole(files: readonly FileBytes[], maxBytes: number, signal?: AbortSignal): Promise<WholeRead[]>;
}
