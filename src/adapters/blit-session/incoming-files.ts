import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { RelPath } from "../../domain/rel-path.ts";
import type { DirListing, FileSource, FileTarget, OpResult, Store, WholeRead } from "../../ports/store.ts";
import type { FileDemux } from "./file-demux.ts";

/**
 * Files arriving on a session's data connections, as the source of a Store write: `read(path)`
 * and `readWhole` return the bytes of the file whose id is `path`, `readInto` writes them into a
 * file. Only those are meaningful; it is never listed or written, so the other methods refuse
 * (INTERNAL: a bug if reached).
 */
export class IncomingFiles implements Store {
  readonly location = "incoming data connections";
  readonly capabilities = { nanosecondTimes: true, owners: false };

  constructor(private readonly demux: FileDemux) {}

  /** The write source for file `fileId`. */
  source(fileId: number): FileSource {
    return { store: this, path: String(fileId) };
  }

  read(path: RelPath, offset = 0): ReadableStream<Uint8Array> {
    return this.demux.stream(Number(path), offset);
  }

  readWhole(paths: readonly RelPath[], maxBytes: number): Promise<WholeRead[]> {
    return Promise.all(paths.map((p) => wholeOf(this.demux, Number(p), maxBytes)));
  }

  sourceChanged(path: RelPath): boolean {
    return this.demux.changedIds.delete(Number(path));
  }

  /** The bytes of file `path` written into `target` (large payloads straight from the connection). */
  readInto(path: RelPath, target: FileTarget, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
    return this.demux.readInto(Number(path), target, signal);
  }

  stat(): Promise<null> {
    return refuse();
  }
  list(): Promise<DirListing> {
    return refuse();
  }
  write(): Promise<OpResult[]> {
    return refuse();
  }
  copiedBytes(): number {
    return 0;
  }
  setMeta(): Promise<OpResult[]> {
    return refuse();
  }
  remove(): Promise<OpResult[]> {
    return refuse();
  }
  hash(): Promise<Uint8Array> {
    return refuse();
  }
  sync(): Promise<{ durable: boolean }> {
    return refuse();
  }
  async [Symbol.asyncDispose](): Promise<void> {}
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

const refuse = (): Promise<never> => Promise.reject(new BlitError("INTERNAL", "incoming files can only be read"));
