import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { FileBytes } from "../../ports/file-bytes.ts";
import type { WholeRead } from "../../ports/store-capabilities.ts";
import type { FileSender } from "./file-sender.ts";

/** Files up to this size are read whole, many per job (FileBytes.wholes); larger ones stream. */
export const WHOLE_READ_MAX_BYTES = 256 * 1024;
/** One whole-file read covers at most this many files… */
const BATCH_FILES = 256;
/** …and about this many bytes. */
const BATCH_BYTES = 8 << 20;

/** A file to send: its id on the data plane and where its bytes are. */
export interface OutgoingFile {
  readonly fileId: number;
  readonly bytes: FileBytes;
  readonly offset: number;
  /** Its size as listed (batches are cut by it); 0 when unknown. */
  readonly size: number;
}

/**
 * Sends `files` in order on one lane. Runs of small files of one WholeBatch (FileBytes.wholes)
 * are read in batches (the next batch is read while this one is sent); the rest go one by one
 * (zero-copy when bytes and channel can). A file that cannot be read becomes a FAIL record; the
 * others still go. Resolves with the bytes each file id sent zero-copy (only those above 0).
 */
export async function sendFiles(sender: FileSender, files: readonly OutgoingFile[], signal?: AbortSignal, progress?: { sent: number }): Promise<Map<number, number>> {
  const zeroCopy = new Map<number, number>();
  let next = batchAt(files, 0, signal);
  while (next !== null) {
    const { start, end, reads } = next;
    next = batchAt(files, end, signal);
    const got = await reads;
    for (let i = start; i < end; i++) {
      const f = files[i]!;
      const r = got === null ? null : got[i - start]!;
      if (r === null) {
        const zc = await sender.sendFile(f.fileId, f.bytes, f.offset, signal);
        if (zc > 0) zeroCopy.set(f.fileId, zc);
      } else if ("error" in r) await sender.fail(f.fileId, r.error, signal);
      else {
        await sender.sendBytes(f.fileId, r.bytes, signal, r.changed === true);
        r.release?.();
      }
      if (progress !== undefined) progress.sent = i + 1;
    }
  }
  return zeroCopy;
}

/**
 * The files of one write (the client's end of a push), sent and flushed. Cancelled through
 * `signal`: what is gathered and unwritten is dropped, and every file whose EOF was not written
 * FAILs with CANCELLED, so the peer's writes of them end (their previous versions stay) instead of
 * waiting for bytes; then it rejects with CANCELLED.
 */
export async function sendWrite(sender: FileSender, files: readonly OutgoingFile[], signal?: AbortSignal): Promise<Map<number, number>> {
  const progress = { sent: 0 };
  try {
    const zeroCopy = await sendFiles(sender, files, signal, progress);
    await sender.flush(signal);
    return zeroCopy;
  } catch (e) {
    if (signal?.aborted !== true) throw e;
    const unended = new Set(sender.discardGathered());
    const cancelled = new BlitError("CANCELLED", "the write was cancelled");
    try {
      for (const [i, f] of files.entries()) if (i >= progress.sent || unended.has(f.fileId)) await sender.fail(f.fileId, cancelled);
      await sender.flush();
    } catch {
      // The connection is gone: the peer fails the files itself (PEER_CLOSED).
    }
    throw isBlitError(e) && e.code === "CANCELLED" ? e : new BlitError("CANCELLED", "the write was cancelled");
  }
}

// --- internal ---

interface Batch {
  readonly start: number;
  readonly end: number;
  /** One read per file (null: stream it); null for a run that is streamed. */
  readonly reads: Promise<WholeRead[] | null>;
}

/** The batch starting at `start`: a run of whole-file reads, or one file to stream; null at the end. */
function batchAt(files: readonly OutgoingFile[], start: number, signal?: AbortSignal): Batch | null {
  if (start >= files.length) return null;
  const first = files[start]!;
  const wholes = first.bytes.wholes;
  if (!wholeReadable(first) || wholes === undefined) return { start, end: start + 1, reads: Promise.resolve(null) };
  let end = start;
  let bytes = 0;
  while (end < files.length && end - start < BATCH_FILES && bytes < BATCH_BYTES && files[end]!.bytes.wholes === wholes && wholeReadable(files[end]!)) {
    bytes += files[end]!.size;
    end++;
  }
  const run = files.slice(start, end).map((f) => f.bytes);
  const reads = wholes.readWhole(run, WHOLE_READ_MAX_BYTES, signal).catch((e: unknown): WholeRead[] => {
    const error = isBlitError(e) ? e : new BlitError("INTERNAL", String(e));
    if (error.code === "CANCELLED") throw error;
    return run.map(() => ({ error }));
  });
  reads.catch(() => {});
  return { start, end, reads };
}

const wholeReadable = (f: OutgoingFile): boolean => f.offset === 0 && f.size <= WHOLE_READ_MAX_BYTES;
