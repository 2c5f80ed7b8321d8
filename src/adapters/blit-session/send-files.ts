import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { RelPath } from "../../domain/rel-path.ts";
import type { Store, WholeRead } from "../../ports/store.ts";
import type { FileSender } from "./file-sender.ts";

/** Files up to this size are read whole, many per job (Store.readWhole); larger ones stream. */
export const WHOLE_READ_MAX_BYTES = 256 * 1024;
/** One whole-file read covers at most this many files… */
const BATCH_FILES = 256;
/** …and about this many bytes. */
const BATCH_BYTES = 8 << 20;

/** A file to send: its id on the data plane and where its bytes are. */
export interface OutgoingFile {
  readonly fileId: number;
  readonly store: Store;
  readonly path: RelPath;
  readonly offset: number;
  /** Its size as listed (batches are cut by it); 0 when unknown. */
  readonly size: number;
}

/**
 * Sends `files` in order on one lane. Runs of small files from a store that offers `readWhole`
 * are read in batches (the next batch is read while this one is sent); the rest go one by one
 * (zero-copy when store and channel can). A file that cannot be read becomes a FAIL record; the
 * others still go. Resolves with the bytes each file id sent zero-copy (only those above 0).
 */
export async function sendFiles(sender: FileSender, files: readonly OutgoingFile[], signal?: AbortSignal): Promise<Map<number, number>> {
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
        const zc = await sender.sendFile(f.fileId, f.store, f.path, f.offset, signal);
        if (zc > 0) zeroCopy.set(f.fileId, zc);
      } else if ("error" in r) await sender.fail(f.fileId, r.error, signal);
      else {
        await sender.sendBytes(f.fileId, r.bytes, signal, r.changed === true);
        r.release?.();
      }
    }
  }
  return zeroCopy;
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
  const store = first.store;
  if (!wholeReadable(first) || store.readWhole === undefined) return { start, end: start + 1, reads: Promise.resolve(null) };
  let end = start;
  let bytes = 0;
  while (end < files.length && end - start < BATCH_FILES && bytes < BATCH_BYTES && files[end]!.store === store && wholeReadable(files[end]!)) {
    bytes += files[end]!.size;
    end++;
  }
  const paths = files.slice(start, end).map((f) => f.path);
  const reads = store.readWhole(paths, WHOLE_READ_MAX_BYTES, signal).catch((e: unknown): WholeRead[] => {
    const error = isBlitError(e) ? e : new BlitError("INTERNAL", String(e));
    if (error.code === "CANCELLED") throw error;
    return paths.map(() => ({ error }));
  });
  reads.catch(() => {});
  return { start, end, reads };
}

const wholeReadable = (f: OutgoingFile): boolean => f.offset === 0 && f.size <= WHOLE_READ_MAX_BYTES;
