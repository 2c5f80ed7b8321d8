import * as fs from "node:fs";
import type { OpenFile } from "../../ports/store-capabilities.ts";
import { dataExtents, mayHaveHoles, type Extent } from "./sparse-extents.ts";

/** A regular file open for reading: its descriptor for a zero-copy send, or its bytes as a stream. */
export class LocalOpenFile implements OpenFile {
  private owned = true;

  private constructor(
    readonly fd: number,
    readonly size: number,
    private readonly opened: fs.BigIntStats,
  ) {}

  /** Wraps open descriptor `fd`; null (and `fd` closed) when it is not a regular file. */
  static of(fd: number): LocalOpenFile | null {
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      if (st.isFile()) return new LocalOpenFile(fd, Number(st.size), st);
    } catch {
      // not usable: the caller reads the path instead
    }
    fs.closeSync(fd);
    return null;
  }

  /** Its bytes from `offset`; the descriptor stays open until this file is disposed. */
  stream(offset: number): ReadableStream<Uint8Array> {
    return fileStream(this.fd, offset, true);
  }

  /** Its data extents when it may have holes (st_blocks below its size), else null. */
  extents(): Iterable<Extent> | null {
    return mayHaveHoles(this.size, Number(this.opened.blocks)) ? dataExtents(this.fd, this.size) : null;
  }

  changed(): boolean {
    if (!this.owned) return false;
    return changedSince(this.opened, fs.fstatSync(this.fd, { bigint: true }));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.owned) fs.closeSync(this.fd);
    this.owned = false;
  }
}

/** Files up to this size are read at once on the calling thread (a stream per small file costs ~0.5 ms). */
const SMALL_READ_BYTES = 256 * 1024;

/** Chunk size of a larger file's stream: large writes on the data plane go out without a copy. */
const READ_CHUNK_BYTES = 1 << 20;

/** The file open as `fd` from `offset` as a stream, which closes `fd` when done (unless `keepOpen`). */
export function fileStream(fd: number, offset: number, keepOpen = false): ReadableStream<Uint8Array> {
  return readSmall(fd, offset, keepOpen) ?? readChunks(fd, offset, keepOpen);
}

/** True when a file's status `now` says it changed since `before` (size, mtime or ctime). */
export function changedSince(before: fs.BigIntStats, now: fs.BigIntStats): boolean {
  return before.size !== now.size || before.mtimeNs !== now.mtimeNs || before.ctimeNs !== now.ctimeNs;
}

// --- internal ---

/**
 * A larger file from `offset` as a stream of 1 MiB chunks, read with `readSync` as the consumer
 * pulls (one page-cache copy; a node stream adapted to a web stream cost ~2× the CPU in 64 KiB
 * pieces). Closes `fd` at the end, on error and on cancel.
 */
function readChunks(fd: number, offset: number, keepOpen: boolean): ReadableStream<Uint8Array> {
  let pos = offset;
  let open = !keepOpen;
  const close = () => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  return new ReadableStream<Uint8Array>({
    pull: (c) => {
      try {
        const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES); // no zero fill: every byte handed out was read
        const n = fs.readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) {
          close();
          return c.close();
        }
        pos += n;
        c.enqueue(n === buf.length ? buf : buf.subarray(0, n));
      } catch (e) {
        close();
        c.error(e);
      }
    },
    cancel: close,
  });
}

/** The rest of a small file (from `offset`) as a one-chunk stream, closing `fd`; null (fd kept) for a larger one. */
function readSmall(fd: number, offset: number, keepOpen: boolean): ReadableStream<Uint8Array> | null {
  const size = fs.fstatSync(fd).size;
  if (size - offset > SMALL_READ_BYTES) return null;
  try {
    const buf = new Uint8Array(Math.max(0, size - offset));
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = fs.readSync(fd, buf, n, buf.length - n, offset + n);
    const bytes = buf.subarray(0, n);
    return new ReadableStream({ start: (c) => (bytes.length > 0 && c.enqueue(bytes), c.close()) });
  } finally {
    if (!keepOpen) fs.closeSync(fd);
  }
}

/** How a pooled stream reaches its file: every call runs off the calling thread. */
export interface PooledFile {
  open(): Promise<number>;
  read(fd: number, offset: number, length: number): Promise<Uint8Array>;
}

/**
 * A file from `offset` as a stream of 1 MiB chunks whose open and reads run in a thread pool (a
 * daemon's: its event loop never waits on a disk). Open errors surface on the first read; a short
 * read ends the stream; the descriptor is closed at the end, on error and on cancel.
 */
export function pooledStream(file: PooledFile, offset: number): ReadableStream<Uint8Array> {
  let fd = -1;
  let pos = offset;
  let opening: Promise<number> | null = null;
  const close = () => {
    if (fd >= 0) fs.closeSync(fd);
    fd = -1;
  };
  return new ReadableStream<Uint8Array>({
    pull: async (c) => {
      try {
        opening ??= file.open();
        if (fd < 0) fd = await opening;
        const chunk = await file.read(fd, pos, READ_CHUNK_BYTES);
        pos += chunk.length;
        if (chunk.length > 0) c.enqueue(chunk);
        // A short read is the end of a regular file: no second trip for the zero.
        if (chunk.length < READ_CHUNK_BYTES) {
          close();
          c.close();
        }
      } catch (e) {
        close();
        c.error(e);
      }
    },
    cancel: async () => {
      if (fd < 0 && opening !== null) fd = await opening.catch(() => -1);
      close();
    },
  });
}
