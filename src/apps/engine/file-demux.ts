import { BlitError, ERROR_CODES, isBlitError, type ErrorCode } from "../../domain/errors.ts";
import { FrameDecoder } from "../../domain/wire/frame.ts";
import type { Channel } from "../../ports/transport.ts";

/** Bytes of one file held before reading its channel waits for the consumer. */
const FILE_HIGH_WATER_BYTES = 4 << 20;

interface Incoming {
  /** Created by `stream()`; until then (and for `whole()`) pieces wait in `queued`. */
  controller: ReadableStreamDefaultController<Uint8Array> | null;
  /** Set by `whole()`: settled when the file ends. */
  whole: { resolve(parts: Uint8Array[]): void; reject(e: BlitError): void } | null;
  queued: Uint8Array[];
  /** Offset of the next byte; set by `stream(fileId, offset)` or by the first record. */
  next: number;
  /** The start offset is known (claimed by `stream` or set by the first record). */
  placed: boolean;
  done: boolean;
  error: BlitError | null;
  room: (() => void) | null;
  /** Where its bytes start. */
  start: number;
  /** Most bytes a `whole()` claim takes; more fail the file (a peer lying about a small file). */
  limit: number;
  /** `stream()` or `whole()` claimed it: forgotten once done too. */
  taken: boolean;
}

/**
 * Reads DATA/EOF/FAIL records from data channels and hands each file's bytes out, as a
 * ReadableStream (`stream`) or, for small files, all at once when the file ended (`whole`, no
 * stream machinery per file), whichever side comes first (the record or the claim). Bytes must
 * arrive in order per file; a gap, an unknown record or a channel lost mid-file fails the files
 * still open.
 */
export class FileDemux {
  private readonly files = new Map<number, Incoming>();
  private failure: BlitError | null = null;
  /** File bytes received so far (record payloads; framing not counted). */
  receivedBytes = 0;

  /** Reads `channel` until its END record (or its end); resolves then, rejects on a broken stream. */
  async drain(channel: Channel, signal?: AbortSignal): Promise<void> {
    const decoder = new FrameDecoder();
    try {
      for await (const chunk of channel.incoming) {
        signal?.throwIfAborted();
        for (const r of decoder.push(chunk)) {
          if (r.type === "end") return;
          if (r.type === "data") {
            this.receivedBytes += r.piece.length;
            await this.data(r.fileId, r.offset, r.piece);
          }
          else if (r.type === "eof") this.finish(r.fileId, null);
          else if (r.type === "fail") this.finish(r.fileId, new BlitError(toCode(r.code), r.message));
          else throw new BlitError("CORRUPT_DATA", `unexpected ${r.type} record on a data connection`);
        }
      }
      if (!decoder.idle) throw new BlitError("PEER_CLOSED", "data connection ended inside a record");
    } catch (e) {
      const err = isBlitError(e) ? e : new BlitError("PEER_CLOSED", String(e));
      this.failAll(err);
      throw err;
    }
  }

  /** The bytes of file `fileId` from `offset` (a resumed file starts past 0) as they arrive. */
  stream(fileId: number, offset = 0): ReadableStream<Uint8Array> {
    const f = this.claim(fileId, offset);
    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          f.controller = c;
          for (const q of f.queued.splice(0)) c.enqueue(q);
          if (f.error !== null) c.error(f.error);
          else if (f.done) c.close();
        },
        pull: () => {
          const r = f.room;
          f.room = null;
          r?.();
        },
        cancel: () => {
          f.done = true;
          this.files.delete(fileId);
          f.room?.();
        },
      },
      { highWaterMark: FILE_HIGH_WATER_BYTES, size: (c) => c?.length ?? 0 },
    );
  }

  /**
   * The pieces of file `fileId` (from offset 0) once it ended; rejects with its failure, or with
   * CORRUPT_DATA once more than `limit` bytes arrived for it.
   */
  whole(fileId: number, limit: number): Promise<Uint8Array[]> {
    const f = this.claim(fileId, 0);
    f.limit = limit;
    if (!f.done && f.next - f.start > limit) this.finish(fileId, tooLong(fileId, limit));
    if (f.done) return f.error === null ? Promise.resolve(f.queued.splice(0)) : Promise.reject(f.error);
    return new Promise((resolve, reject) => (f.whole = { resolve, reject }));
  }

  /** Fails every file still open (a lost connection, a cancelled session). */
  failAll(e: BlitError): void {
    this.failure ??= e;
    for (const [id] of [...this.files]) this.finish(id, e);
  }

  // --- internal ---

  private entry(fileId: number): Incoming {
    let f = this.files.get(fileId);
    if (f !== undefined) return f;
    f = { controller: null, whole: null, queued: [], next: 0, placed: false, start: 0, limit: Number.POSITIVE_INFINITY, done: false, error: null, room: null, taken: false };
    this.files.set(fileId, f);
    if (this.failure !== null) this.finish(fileId, this.failure);
    return f;
  }

  /** Marks file `fileId` as handed out, its bytes starting at `offset`. */
  private claim(fileId: number, offset: number): Incoming {
    const f = this.entry(fileId);
    if (!f.placed) {
      f.placed = true;
      f.start = f.next = offset;
    } else if (f.start !== offset) {
      // Not yet handed out: whatever arrived is dropped, and the claim sees the failure.
      f.done = true;
      f.error = new BlitError("CORRUPT_DATA", `file ${fileId}: bytes start at ${f.start}, expected ${offset}`);
      f.queued.length = 0;
    }
    f.taken = true;
    if (f.done) this.files.delete(fileId);
    return f;
  }

  private async data(fileId: number, offset: number, piece: Uint8Array): Promise<void> {
    const f = this.entry(fileId);
    if (f.done) return;
    if (!f.placed) {
      f.placed = true;
      f.start = f.next = offset;
    }
    if (offset !== f.next) throw new BlitError("CORRUPT_DATA", `file ${fileId}: bytes at ${offset}, expected ${f.next}`);
    f.next += piece.length;
    if (f.next - f.start > f.limit) return this.finish(fileId, tooLong(fileId, f.limit));
    if (piece.length === 0) return;
    // Channels hand over chunks they never reuse (ports/transport.ts): the piece is kept as is.
    if (f.controller === null) {
      f.queued.push(piece);
      return;
    }
    f.controller.enqueue(piece);
    if ((f.controller.desiredSize ?? 1) <= 0 && !f.done) await new Promise<void>((resolve) => (f.room = resolve));
  }

  private finish(fileId: number, error: BlitError | null): void {
    const f = this.entry(fileId);
    if (f.done) return;
    f.done = true;
    f.error = error;
    if (f.taken) this.files.delete(fileId);
    if (f.whole !== null) {
      if (error === null) f.whole.resolve(f.queued.splice(0));
      else f.whole.reject(error);
      return;
    }
    if (f.controller === null) return;
    try {
      if (error === null) f.controller.close();
      else f.controller.error(error);
    } catch {
      // the consumer cancelled it
    }
    f.room?.();
  }
}

const tooLong = (fileId: number, limit: number) => new BlitError("CORRUPT_DATA", `file ${fileId}: more than the ${limit} bytes announced`);
const toCode = (code: string): ErrorCode => ((ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : "INTERNAL");
