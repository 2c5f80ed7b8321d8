import { BlitError, ERROR_CODES, isBlitError, type ErrorCode } from "../../domain/errors.ts";
import { FrameDecoder, type Record } from "../../domain/wire/frame.ts";
import type { FileTarget } from "../../ports/store-capabilities.ts";
import type { Channel, FileIoOutcome } from "../../ports/transport.ts";
import { repay, take, type Loan, type WholeFile } from "./chunk-loans.ts";
import { handHole, holeLength, isHole, withZeros } from "./demux-holes.ts";
import type { Incoming, Target } from "./incoming-file.ts";
import { endStream, feed, fileStream } from "./stream-feed.ts";
import { arrivalError, IncomingDigest } from "./file-digest.ts";
import { UnannouncedBudget } from "./unannounced-budget.ts";

/** Bytes of one file held before reading its channel waits for the consumer. */
const FILE_HIGH_WATER_BYTES = 4 << 20;
/** The rest of a DATA payload goes by Channel.receiveFile when at least this long. */
const RECEIVE_FILE_MIN_BYTES = 1 << 20;

/**
 * Reads DATA/EOF/FAIL records from data channels and hands each file's bytes out, as a
 * ReadableStream (`stream`), for small files all at once when the file ended (`whole`, no stream
 * machinery per file), or written into a FileTarget (`readInto`: then the rest of a large DATA
 * payload goes straight from the connection into the file when the channel can,
 * Channel.receiveFile), whichever side comes first (the record or the claim). Bytes must arrive in
 * order per file; a gap between records (or an EOF past the last one) is a hole of a sparse file: left a hole in a
 * target's file (its size set at the EOF), zeros in a stream. Bytes before the next expected offset, an unknown record
 * or a channel lost mid-file fail the files still open.
 * A file is complete only when the digest of its bytes as they arrived (as read back from the file
 * where a channel wrote them there itself) equals its EOF's, else it fails with CORRUPT_DATA.
 */
export class FileDemux {
  private readonly files = new Map<number, Incoming>();
  private failure: BlitError | null = null;

  /** File bytes received so far (record payloads; framing not counted). */
  receivedBytes = 0;
  /** Files that arrived complete though their source changed while it was read (EOF flag). */
  readonly changedIds = new Set<number>();

  /**
   * `budget` bounds the bytes held for files no request named (DAEMON_LIMITS by default);
   * `onEnded` hears of every file whose EOF or FAIL arrived.
   */
  constructor(
    private readonly budget = new UnannouncedBudget(),
    private readonly onEnded: (fileId: number) => void = () => {},
  ) {}

  /** A request names these files: their bytes may arrive before they are claimed, without limit. */
  announce(fileIds: readonly number[]): void {
    this.budget.announce(fileIds);
    for (const f of fileIds.map((id) => this.files.get(id))) if (f !== undefined) f.charged = this.budget.refund(f.charged);
  }

  /**
   * Reads `channel` until its END record and resolves then; rejects (failing the files still open)
   * on a broken stream or an end without END.
   */
  async drain(channel: Channel, signal?: AbortSignal): Promise<void> {
    const decoder = new FrameDecoder();
    // A channel that takes chunks back gets each one once its records are handled and the pieces
    // kept from it were copied (streams get copies at once; small files when they are packed).
    const borrowed = channel.release !== undefined;
    try {
      for await (const chunk of channel.incoming) {
        signal?.throwIfAborted();
        const loan: Loan | null = borrowed ? { chunk, channel, kept: 0, handled: false } : null;
        for (const r of decoder.push(chunk)) {
          if (r.type === "end") return;
          if (r.type === "data") {
            this.receivedBytes += r.piece.length;
            // Most records are handled at once (no promise); only a hole or a full stream waits.
            const handled = this.data(r.fileId, r.offset, r.piece, loan, r.last);
            if (handled !== undefined) await handled;
            if (this.budget.over) await this.budget.room(r.fileId, signal);
          }
          else if (r.type === "eof" || r.type === "fail") this.ended(r);
          else throw new BlitError("CORRUPT_DATA", `unexpected ${r.type} record on a data connection`);
        }
        if (loan !== null) {
          loan.handled = true;
          repay(loan);
        }
        const open = decoder.openPayload;
        if (open !== null && open.left >= RECEIVE_FILE_MIN_BYTES && channel.receiveFile !== undefined) await this.receiveInto(channel, decoder, open, signal);
      }
      // A peer always sends END before ending a connection: an end without it (a killed peer's
      // FIN) leaves files unfinished, and they fail rather than wait forever.
      throw new BlitError("PEER_CLOSED", decoder.idle ? "data connection ended without its END record" : "data connection ended inside a record");
    } catch (e) {
      const err = isBlitError(e) ? e : new BlitError("PEER_CLOSED", String(e));
      this.failAll(err);
      throw err;
    }
  }

  /** The bytes of file `fileId` from `offset` (a resumed file starts past 0) as they arrive. */
  stream(fileId: number, offset = 0): ReadableStream<Uint8Array> {
    return fileStream(this.claim(fileId, offset), FILE_HIGH_WATER_BYTES, () => this.files.delete(fileId));
  }

  /**
   * The pieces of file `fileId` (from offset 0) once it ended; rejects with its failure, or with
   * CORRUPT_DATA once more than `limit` bytes arrived for it.
   */
  whole(fileId: number, limit: number): Promise<WholeFile> {
    const f = this.claim(fileId, 0);
    f.limit = limit;
    if (!f.done && f.next - f.start > limit) this.finish(fileId, tooLong(fileId, limit));
    // A file that ended before the claim: its bytes (holes too) are held to the limit as well.
    if (f.done && f.error === null && f.next - f.start > limit) {
      f.error = tooLong(fileId, limit);
      take(f).release();
    }
    if (f.done) return f.error === null ? Promise.resolve(withZeros(take(f))) : Promise.reject(f.error);
    return new Promise((resolve, reject) => (f.whole = { resolve, reject }));
  }

  /**
   * Writes the bytes of file `fileId` into `sink` as they arrive (those that came first at once);
   * resolves at its EOF with the bytes written, rejects on its FAIL, a lost connection, a failed
   * write or `signal`, never while a channel still writes into `sink.fd`.
   */
  async readInto(fileId: number, sink: FileTarget, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
    if (this.files.get(fileId)?.taken === true) throw new BlitError("INTERNAL", `file ${fileId} was already handed out`);
    const f = this.claim(fileId, 0);
    const settledAs = Promise.withResolvers<{ bytes: number; zeroCopyBytes: number }>();
    const t: Target = { sink, bytes: 0, zeroCopy: 0, receiving: false, draining: true, hashing: 0, end: undefined, settled: false, resolve: settledAs.resolve, reject: settledAs.reject };
    f.target = t;
    const onAbort = () => this.endTarget(fileId, f, new BlitError("CANCELLED", "file write cancelled"));
    signal?.addEventListener("abort", onAbort);
    try {
      this.drainQueued(fileId, f, t);
      if (f.done) this.endTarget(fileId, f, f.error);
      if (signal?.aborted) onAbort();
      this.settle(t);
      return await settledAs.promise;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Fails every file still open (a lost connection, a cancelled session). */
  failAll(e: BlitError): void {
    this.failure ??= e;
    for (const [id] of [...this.files]) this.finish(id, e);
    this.budget.release();
  }

  // --- internal ---

  private entry(fileId: number): Incoming {
    let f = this.files.get(fileId);
    if (f !== undefined) return f;
    f = { controller: null, whole: null, queued: [], loans: [], next: 0, placed: false, start: 0, limit: Number.POSITIVE_INFINITY, done: false, error: null, room: null, feeding: null, taken: false, streamed: 0, target: null, charged: 0, digest: new IncomingDigest() };
    if (!this.budget.isNamed(fileId)) f.charged = this.budget.chargeEntry();
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
      take(f).release();
    }
    f.taken = true;
    f.charged = this.budget.refund(f.charged);
    this.budget.forget(fileId);
    if (f.done) this.files.delete(fileId);
    return f;
  }

  /** Routes a DATA piece; with a `loan` its memory goes back to the channel once no longer kept. */
  private data(fileId: number, offset: number, piece: Uint8Array, loan: Loan | null, last: boolean): Promise<void> | undefined {
    const f = this.entry(fileId);
    if (f.done) return;
    if (!f.placed) {
      f.placed = true;
      f.start = f.next = offset;
    }
    if (offset < f.next) throw new BlitError("CORRUPT_DATA", `file ${fileId}: bytes at ${offset}, expected ${f.next}`);
    if (offset > f.next) return this.dataAfterHole(fileId, f, offset, piece, loan, last);
    return this.dataAt(fileId, f, offset, piece, loan, last);
  }

  private async dataAfterHole(fileId: number, f: Incoming, offset: number, piece: Uint8Array, loan: Loan | null, last: boolean): Promise<void> {
    if ((await this.hole(fileId, f, offset - f.next)) || f.done) return;
    await this.dataAt(fileId, f, offset, piece, loan, last);
  }

  /** `piece` at `f.next` (= `offset`): counted, hashed, then written, queued or streamed. */
  private dataAt(fileId: number, f: Incoming, offset: number, piece: Uint8Array, loan: Loan | null, last: boolean): Promise<void> | undefined {
    f.next += piece.length;
    if (f.next - f.start > f.limit) this.finish(fileId, tooLong(fileId, f.limit));
    else if (piece.length > 0) {
      f.digest.piece(piece, last);
      if (f.target === null) return this.hand(f, piece, loan);
      this.write(fileId, f, f.target, piece, offset);
    }
    return undefined;
  }

  /**
   * A hole of `n` bytes at `f.next` before the next record (a sparse file sent as its data extents): a target's
   * file keeps it as a hole, a stream or whole file gets zeros (resolving once they went into a stream, each piece
   * waiting for room). True when that ended the file (too long).
   */
  private async hole(fileId: number, f: Incoming, n: number): Promise<boolean> {
    f.digest.gap(f.next, f.next + n);
    f.next += n;
    if (f.next - f.start > f.limit) {
      this.finish(fileId, tooLong(fileId, f.limit));
      return true;
    }
    if (f.target === null) await handHole(f, n);
    return false;
  }

  /** Hands `piece` to the file's stream (after what is still being fed, waiting while it is full) or queue. */
  private hand(f: Incoming, piece: Uint8Array, loan: Loan | null): Promise<void> | undefined {
    f.streamed += piece.length;
    if (f.controller === null) {
      f.queued.push(piece);
      f.loans.push(loan);
      if (loan !== null) loan.kept++;
      if (f.charged > 0) f.charged += this.budget.charge(piece.length);
      return;
    }
    return this.handToStream(f, piece, loan);
  }

  private async handToStream(f: Incoming, piece: Uint8Array, loan: Loan | null): Promise<void> {
    if (f.feeding !== null) await f.feeding;
    if (f.controller !== null) await feed(f, f.controller, [loan !== null ? piece.slice() : piece]);
  }

  /** Writes the bytes that arrived before the target was given. */
  private drainQueued(fileId: number, f: Incoming, t: Target): void {
    let at = f.next - f.streamed;
    const queued = take(f);
    for (const q of queued.parts) {
      if (!isHole(q)) this.write(fileId, f, t, q, at);
      at += holeLength(q);
    }
    // A file that ended in a hole before its target was given: the hole is the target's size.
    if (queued.parts.length > 0 && isHole(queued.parts.at(-1)!) && t.end === undefined) {
      try {
        t.sink.setSize(at);
      } catch (e) {
        this.endTarget(fileId, f, toError(e));
      }
    }
    queued.release();
    t.draining = false;
  }

  /** Writes a piece into the file's target; a failed write ends the file (its later bytes are dropped). */
  private write(fileId: number, f: Incoming, t: Target, piece: Uint8Array, offset: number): void {
    if (t.end !== undefined) return;
    try {
      t.sink.write(piece, offset);
      t.bytes += piece.length;
    } catch (e) {
      this.endTarget(fileId, f, toError(e));
    }
  }

  /**
   * Takes the rest of the open DATA payload of a file with a target straight into its file when the
   * channel can (nothing already received waits); otherwise the bytes come through `incoming`.
   */
  private async receiveInto(channel: Channel, decoder: FrameDecoder, open: { fileId: number; offset: number; left: number; recordStart: number }, signal?: AbortSignal): Promise<void> {
    const f = this.files.get(open.fileId);
    const t = f?.target;
    if (f === undefined || t === null || t === undefined || f.done || t.receiving) return;
    // A record after a hole (its header came without payload bytes): the hole is the target's to keep.
    if (open.offset > f.next && open.offset === open.recordStart && (await this.hole(open.fileId, f, open.offset - f.next))) return;
    if (open.offset !== f.next) return;
    t.receiving = true;
    let r: FileIoOutcome | null = null;
    try {
      r = await channel.receiveFile!(t.sink, open.offset, open.left, signal, open.recordStart);
    } finally {
      t.receiving = false;
      // Nothing taken, or the connection broke (the drain loop then fails the open files).
      if (r === null) this.settle(t);
    }
    if (r === null) return;
    decoder.skipPayload(open.left);
    f.next += open.left;
    this.receivedBytes += open.left;
    if (r.error !== undefined) return this.endTarget(open.fileId, f, r.error);
    if (r.digest === undefined) return this.endTarget(open.fileId, f, new BlitError("INTERNAL", "a zero-copy receive gave no digest"));
    f.digest.recordDone(r.digest);
    if (r.digest instanceof Promise) void (t.hashing++, r.digest.catch(() => {}).finally(() => (t.hashing--, this.settle(t))));
    t.bytes += r.bytes;
    t.zeroCopy += r.zeroCopyBytes;
    t.sink.landed(r.bytes);
    this.settle(t);
  }

  /** Ends a file with a target (null: complete); its later bytes are dropped. */
  private endTarget(_fileId: number, f: Incoming, error: BlitError | null): void {
    const t = f.target!;
    if (t.end === undefined) t.end = error;
    if (!f.done) {
      f.done = true;
      f.error = error;
    }
    this.settle(t);
  }

  /** Resolves or rejects a target once it ended and nothing writes into its file any more. */
  private settle(t: Target): void {
    if (t.settled || t.receiving || t.draining || t.hashing > 0 || t.end === undefined) return;
    t.settled = true;
    if (t.end === null) t.resolve({ bytes: t.bytes, zeroCopyBytes: t.zeroCopy });
    else t.reject(t.end);
  }

  /** A file's EOF (checked against what arrived, once every record's digest is in) or FAIL. */
  private ended(r: Extract<Record, { type: "eof" | "fail" }>): void {
    const f = this.files.get(r.fileId);
    const open = f !== undefined && !f.done;
    const later = r.type === "eof" && open ? f.digest.settled() : null;
    if (later !== null) return void later.then(() => this.ended(r));
    let error = r.type === "fail" ? new BlitError(toCode(r.code), r.message) : open ? arrivalError(r.fileId, f.next, f.digest, r) : null;
    if (error === null && r.type === "eof" && open && r.size > f.next) error = this.endHole(f, r.size);
    if (error === null && r.type === "eof" && r.changed) this.changedIds.add(r.fileId);
    this.finish(r.fileId, error);
    this.onEnded(r.fileId);
  }

  /** The hole a complete file ends in, up to its `size`: set as the target's size, or zeros for a stream (fed before it closes). */
  private endHole(f: Incoming, size: number): BlitError | null {
    const n = size - f.next;
    f.next = size;
    f.placed = true; // a file of holes alone: it starts at 0 (a sparse file is sent whole)
    if (f.next - f.start > f.limit) return new BlitError("CORRUPT_DATA", `more than the ${f.limit} bytes announced`);
    if (f.target === null) {
      void handHole(f, n);
      return null;
    }
    if (f.target.end !== undefined) return null;
    try {
      f.target.sink.setSize(size);
      return null;
    } catch (e) {
      return toError(e);
    }
  }

  private finish(fileId: number, error: BlitError | null): void {
    const f = this.entry(fileId);
    if (f.done) {
      // A file whose target ended early: its EOF/FAIL is the last word about it.
      if (f.target !== null) this.files.delete(fileId);
      return;
    }
    f.done = true;
    f.error = error;
    if (f.taken) this.files.delete(fileId);
    else if (error !== null) {
      // Nobody claimed it: its bytes go now; the failure (and its entry's charge) stays for a later claim.
      take(f).release();
      f.charged = this.budget.keepEntry(f.charged);
    }
    if (f.target !== null) this.endTarget(fileId, f, error);
    if (f.whole !== null) {
      if (error === null) f.whole.resolve(withZeros(take(f)));
      else {
        take(f).release();
        f.whole.reject(error);
      }
      return;
    }
    if (f.controller !== null) endStream(f, error);
  }
}

const tooLong = (fileId: number, limit: number) => new BlitError("CORRUPT_DATA", `file ${fileId}: more than the ${limit} bytes announced`);
const toError = (e: unknown): BlitError => (isBlitError(e) ? e : new BlitError("INTERNAL", String(e)));
const toCode = (code: string): ErrorCode => ((ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : "INTERNAL");
