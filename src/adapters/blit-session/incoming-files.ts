import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { FileBytes, WholeBatch } from "../../ports/file-bytes.ts";
import type { WholeRead } from "../../ports/store-capabilities.ts";
import type { FileDemux } from "./file-demux.ts";

/**
 * Files arriving on a session's data connections, as the bytes of Store writes (WriteOp.bytes):
 * each file's bytes as a stream, whole (its WholeBatch reads many together), or written into a
 * target by `readInto`; `changed` says whether its source changed while it was read there.
 */
export class IncomingFiles {
  /** The id each FileBytes of this session carries. */
  private readonly ids = new WeakMap<FileBytes, number>();
  private readonly wholes: WholeBatch = {
    readWhole: (files, maxBytes) => Promise.all(files.map((f) => wholeOf(this.demux, this.ids.get(f) ?? -1, maxBytes))),
  };

  constructor(private readonly demux: FileDemux) {}

  /** The bytes of file `fileId`. */
  bytes(fileId: number): FileBytes {
    const bytes: FileBytes = {
      read: (offset) => this.demux.stream(fileId, offset),
      wholes: this.wholes,
      readInto: (target, signal) => this.demux.readInto(fileId, target, signal),
      changed: () => this.demux.changedIds.delete(fileId),
    };
    this.ids.set(bytes, fileId);
    return bytes;
  }
}

/** File `fileId` of `demux` whole, as one WholeRead (never rejects). */
export function wholeOf(demux: FileDemux, fileId: number, maxBytes: number): Promise<WholeRead> {
  return demux.whole(fileId, maxBytes).then(
    ({ parts, release }): WholeRead => {
      if (parts.length === 1) return { bytes: parts[0]!, release };
      const bytes = concat(parts);
      release();
      return { bytes };
    },
    (e: unknown) => ({ error: isBlitError(e) ? e : new BlitError("INTERNAL", String(e)) }),
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

