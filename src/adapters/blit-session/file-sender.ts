import { BlitError, isBlitError, throwIfCancelled } from "../../domain/errors.ts";
import { DATA_HEADER_BYTES, EOF_BYTES, encodeFail, MAX_DATA_BYTES, writeDataHeader, writeEof } from "../../domain/wire/frame.ts";
import type { FileBytes } from "../../ports/file-bytes.ts";
import type { OpenFile } from "../../ports/store-capabilities.ts";
import type { Channel } from "../../ports/transport.ts";
import { OutgoingDigest, recordDigest } from "./file-digest.ts";
import { isZeroPiece } from "./zero-pieces.ts";

/** Records are gathered into writes of at least this size (small files share one write). */
const GATHER_BYTES = 512 * 1024;
/** A chunk at least this large is sent as its own write, without copying it. */
const DIRECT_BYTES = 256 * 1024;
/** Files with at least this many bytes to send go by Channel.sendFile when store and channel can. */
const ZERO_COPY_MIN_BYTES = 1 << 20;
/** Zeros written at a time to complete a record whose file ended early. */
const PAD_BYTES = 1 << 20;

/**
 * Sends files on one data channel as DATA/EOF records (FAIL when a file cannot be read), gathering
 * small records into large writes. A file of ZERO_COPY_MIN_BYTES or more goes by the channel's
 * `sendFile` (sendfile on Linux TCP) when its store can open it and the channel can send from it;
 * otherwise its bytes are read and sent. A file sent from 0 whose open file lists data extents (it may have holes)
 * sends only those, by `sendFile` where the channel can. Each file's EOF carries the digest of its records as sent
 * (file-digest.ts; the sendfile worker hashes the records it sends from the file). One file at a
 * time; call `flush` after the last of a batch. A `signal` is looked at between records (CANCELLED):
 * a record once begun goes whole, so a cancelled sender leaves its connection at a record boundary
 * and can still FAIL the files it did not finish (`discardGathered`, send-files.ts sendWrite).
 */
export class FileSender {
  private buf = new Uint8Array(GATHER_BYTES + DATA_HEADER_BYTES + EOF_BYTES);
  private fill = 0;
  private readonly digest = new OutgoingDigest();
  sentBytes = 0;
  /** Ids of the files sent whose source changed while it was read (taken by who sent them). */
  readonly changed = new Set<number>();
  /** Ids of the files whose EOF is gathered and not yet written. */
  private gatheredEnds: number[] = [];

  /** `scrub` rewrites the error of every FAIL record before it is sent. */
  constructor(
    private readonly channel: Channel,
    private readonly scrub: (e: BlitError) => BlitError = (e) => e,
  ) {}

  /**
   * Sends `bytes` (a file's) from `offset` as file `fileId`; a read error becomes FAIL.
   * Resolves with the bytes that went zero-copy.
   */
  async sendFile(fileId: number, bytes: FileBytes, offset: number, signal?: AbortSignal): Promise<number> {
    let file: OpenFile | null = null;
    if (bytes.open !== undefined) file = await bytes.open().catch(() => null);
    // A peer's file (a relay) says at its end whether it changed at its source.
    if (file === null) return this.sendStream(fileId, () => bytes.read(offset, signal), offset, signal, () => bytes.changed?.() === true);
    // The descriptor stays open until the send finished, so the file can say whether it changed.
    await using _file = file;
    const open = file;
    const changed = () => open.changed();
    const extents = offset === 0 ? (file.extents?.() ?? null) : null;
    if (extents !== null) return await this.sendExtents(fileId, file, extents, signal);
    if (file.size - offset < ZERO_COPY_MIN_BYTES || this.channel.sendFile === undefined) return await this.sendStream(fileId, () => open.stream(offset), offset, signal, changed);
    return await this.sendOpen(fileId, file, offset, (from) => bytes.read(from, signal), signal);
  }

  /**
   * Sends `data` (a file's bytes from `offset`) as file `fileId`; a read error becomes FAIL. A stream from 0 that
   * carries a hole as zero pieces (zero-pieces.ts: a relay reading a peer's sparse file) sends it as a gap, as
   * sendExtents does: no DATA for it, an empty record at 0 when the first data is past 0 (or there is none), the
   * gap's place among the record digests, an EOF with the whole size.
   */
  async sendStream(fileId: number, data: () => ReadableStream<Uint8Array>, offset: number, signal?: AbortSignal, changed?: () => boolean): Promise<number> {
    this.digest.take();
    const gaps = offset === 0;
    let pos = offset;
    /** Where the data sent ends (a gap runs from here to `pos`). */
    let end = offset;
    try {
      const stream = data();
      for await (const chunk of stream) {
        if (gaps && isZeroPiece(chunk)) {
          pos += chunk.length;
          continue;
        }
        if (pos > end) await this.gap(fileId, end, pos, signal);
        for (let at = 0; at < chunk.length; at += MAX_DATA_BYTES) {
          const piece = chunk.subarray(at, Math.min(chunk.length, at + MAX_DATA_BYTES));
          await this.data(fileId, pos, piece, signal);
          pos += piece.length;
        }
        end = pos;
      }
      if (pos > end) await this.gap(fileId, end, pos, signal);
    } catch (e) {
      if (isBlitError(e) && (e.code === "CANCELLED" || e.code === "PEER_CLOSED")) throw e;
      const err = isBlitError(e) ? e : new BlitError("INTERNAL", String(e));
      await this.fail(fileId, err, signal);
      return 0;
    }
    await this.eof(fileId, pos, signal, changed?.() === true);
    return 0;
  }

  /** Sends a whole file already in memory as file `fileId`. */
  async sendBytes(fileId: number, bytes: Uint8Array, signal?: AbortSignal, changed = false): Promise<void> {
    this.digest.take();
    let pos = 0;
    while (pos < bytes.length) {
      const piece = bytes.subarray(pos, Math.min(bytes.length, pos + MAX_DATA_BYTES));
      await this.data(fileId, pos, piece, signal);
      pos += piece.length;
    }
    await this.eof(fileId, pos, signal, changed);
  }

  /** Sends a FAIL record for a file that will not come. */
  async fail(fileId: number, error: BlitError, signal?: AbortSignal): Promise<void> {
    throwIfCancelled(signal);
    await this.flush(signal);
    const shown = this.scrub(error);
    await this.channel.send(encodeFail(fileId, shown.code, shown.message));
  }

  /** Writes what is gathered. */
  async flush(signal?: AbortSignal): Promise<void> {
    if (this.fill === 0) return;
    throwIfCancelled(signal);
    const out = this.buf.subarray(0, this.fill);
    this.fill = 0;
    this.gatheredEnds = [];
    this.sentBytes += out.length;
    await this.channel.send(out);
  }

  /**
   * Drops the records gathered and not yet written (whole records: the connection stays at a
   * record boundary); the ids of the files whose EOF was among them (they did not end).
   */
  discardGathered(): number[] {
    const ends = this.gatheredEnds;
    this.fill = 0;
    this.gatheredEnds = [];
    return ends;
  }

  // --- internal ---

  /**
   * Sends `file` from `offset` in DATA records whose payload the channel takes from the file.
   * When the channel declines (before sending anything) the rest is read through `read`; when the
   * file ends early or fails, the cut record is completed with zeros and the file FAILs.
   */
  private async sendOpen(fileId: number, file: OpenFile, offset: number, read: (from: number) => ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<number> {
    this.digest.take();
    const r = await this.sendRange(fileId, file, offset, file.size, signal);
    // Declined (the channel cannot send from the descriptor, e.g. no sendfile in this libc): the rest goes buffered, still saying whether the file changed.
    if (r.declinedAt !== undefined) return r.zeroCopy + (await this.sendStream(fileId, () => read(r.declinedAt!), r.declinedAt, signal, () => file.changed()));
    if (!r.failed) await this.eof(fileId, Math.max(offset, file.size), signal, file.changed());
    return r.zeroCopy;
  }

  /**
   * Sends a file that may have holes as its data `extents` only: DATA records at their offsets, gaps between them,
   * an EOF with the file's size (a file of holes alone sends no DATA). The digest names each gap (file-digest.ts
   * gapDigest). Records go by the channel's `sendFile` where it can, else read from the file; a failed read or
   * lseek becomes FAIL.
   */
  private async sendExtents(fileId: number, file: OpenFile, extents: Iterable<{ readonly offset: number; readonly length: number }>, signal?: AbortSignal): Promise<number> {
    this.digest.take();
    let zeroCopy = 0;
    let end = 0;
    let byChannel = this.channel.sendFile !== undefined;
    try {
      for (const { offset, length } of extents) {
        if (offset > end) await this.gap(fileId, end, offset, signal);
        let from = offset;
        if (byChannel) {
          const r = await this.sendRange(fileId, file, offset, offset + length, signal);
          zeroCopy += r.zeroCopy;
          if (r.failed) return zeroCopy;
          if (r.declinedAt !== undefined) {
            byChannel = false;
            from = r.declinedAt;
          } else from = offset + length;
        }
        if (from < offset + length) await this.streamRange(fileId, file, from, offset + length, signal);
        end = offset + length;
      }
      if (file.size > end) await this.gap(fileId, end, file.size, signal);
    } catch (e) {
      if (isBlitError(e) && (e.code === "CANCELLED" || e.code === "PEER_CLOSED")) throw e;
      await this.fail(fileId, isBlitError(e) ? e : new BlitError("INTERNAL", String(e)), signal);
      return zeroCopy;
    }
    await this.eof(fileId, file.size, signal, file.changed());
    return zeroCopy;
  }

  /** Sends [from, to) of `file` read from it as DATA records; throws PARTIAL when the file ends before `to`. */
  private async streamRange(fileId: number, file: OpenFile, from: number, to: number, signal?: AbortSignal): Promise<void> {
    const reader = file.stream(from).getReader();
    try {
      let pos = from;
      while (pos < to) {
        const { done, value } = await reader.read();
        if (done) throw new BlitError("PARTIAL", `the file shrank while it was sent (${pos} of ${file.size} bytes)`);
        const chunk = value.subarray(0, Math.min(value.length, to - pos));
        for (let at = 0; at < chunk.length; at += MAX_DATA_BYTES) {
          const piece = chunk.subarray(at, Math.min(chunk.length, at + MAX_DATA_BYTES));
          await this.data(fileId, pos, piece, signal);
          pos += piece.length;
        }
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  /**
   * Sends [from, to) of `file` in DATA records whose payload the channel takes from the file. `declinedAt`: the
   * channel declined at that offset (before sending anything of the record); `failed`: the file ended early or
   * failed, the cut record was completed with zeros and the file FAILed.
   */
  private async sendRange(fileId: number, file: OpenFile, from: number, to: number, signal?: AbortSignal): Promise<{ zeroCopy: number; declinedAt?: number; failed?: boolean }> {
    const head = new Uint8Array(DATA_HEADER_BYTES);
    let zeroCopy = 0;
    for (let pos = from; pos < to; ) {
      throwIfCancelled(signal);
      const length = Math.min(MAX_DATA_BYTES, to - pos);
      writeDataHeader(head, 0, fileId, pos, length);
      await this.flush(signal);
      const r = await this.channel.sendFile!(head, file, pos, length);
      if (r === null) return { zeroCopy, declinedAt: pos };
      this.sentBytes += DATA_HEADER_BYTES + r.bytes;
      zeroCopy += r.zeroCopyBytes;
      pos += r.bytes;
      if (r.bytes < length || r.digest === undefined) {
        await this.pad(length - r.bytes, signal);
        const why = r.error ?? (r.bytes < length ? new BlitError("PARTIAL", `the file shrank while it was sent (${pos} of ${file.size} bytes)`) : new BlitError("INTERNAL", "a zero-copy send gave no digest of what it sent"));
        await this.fail(fileId, why, signal);
        return { zeroCopy, failed: true };
      }
      this.digest.record(r.digest);
    }
    return { zeroCopy };
  }

  /**
   * A gap [from, to) in a file sent from 0 (a hole): its place among the record digests, after an empty record at 0
   * when nothing was sent before it (a receiver that gets the file before anyone asked for it then knows where it starts).
   */
  private async gap(fileId: number, from: number, to: number, signal?: AbortSignal): Promise<void> {
    if (from === 0) await this.data(fileId, 0, new Uint8Array(0), signal);
    this.digest.gap(from, to);
  }

  private async pad(n: number, signal?: AbortSignal): Promise<void> {
    const zeros = new Uint8Array(Math.min(n, PAD_BYTES));
    for (let left = n; left > 0; left -= zeros.length) await this.channel.send(left >= zeros.length ? zeros : zeros.subarray(0, left));
    this.sentBytes += n;
  }

  /** The file's EOF, once the digests of its records are known (a FAIL when one could not be had). */
  private async eof(fileId: number, size: number, signal: AbortSignal | undefined, changed: boolean): Promise<void> {
    throwIfCancelled(signal);
    const d = this.digest.take();
    let digest: Uint8Array;
    try {
      digest = d instanceof Uint8Array ? d : await d;
    } catch (e) {
      return this.fail(fileId, isBlitError(e) ? e : new BlitError("INTERNAL", String(e)), signal);
    }
    if (changed) this.changed.add(fileId);
    await this.room(EOF_BYTES, signal);
    writeEof(this.buf, this.fill, fileId, size, digest, changed);
    this.fill += EOF_BYTES;
    this.gatheredEnds.push(fileId);
  }

  private async data(fileId: number, offset: number, piece: Uint8Array, signal?: AbortSignal): Promise<void> {
    throwIfCancelled(signal);
    if (piece.length > 0) this.digest.record(recordDigest(piece));
    if (piece.length >= DIRECT_BYTES) {
      await this.room(DATA_HEADER_BYTES, signal);
      writeDataHeader(this.buf, this.fill, fileId, offset, piece.length);
      this.fill += DATA_HEADER_BYTES;
      await this.flush(signal);
      this.sentBytes += piece.length;
      await this.channel.send(piece);
      return;
    }
    await this.room(DATA_HEADER_BYTES + piece.length, signal);
    writeDataHeader(this.buf, this.fill, fileId, offset, piece.length);
    this.buf.set(piece, this.fill + DATA_HEADER_BYTES);
    this.fill += DATA_HEADER_BYTES + piece.length;
  }

  /** Makes room for `n` more bytes, writing what is gathered when the buffer is full. */
  private async room(n: number, signal?: AbortSignal): Promise<void> {
    if (this.fill + n <= this.buf.length) return;
    // Channels are done with what they were given once `send` resolved: the buffer is reused.
    await this.flush(signal);
  }
}

