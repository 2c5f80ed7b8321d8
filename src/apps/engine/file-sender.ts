import { BlitError, isBlitError } from "../../domain/errors.ts";
import { DATA_HEADER_BYTES, EOF_BYTES, encodeFail, MAX_DATA_BYTES, writeDataHeader, writeEof } from "../../domain/wire/frame.ts";
import type { Channel } from "../../ports/transport.ts";

/** Records are gathered into writes of at least this size (small files share one write). */
const GATHER_BYTES = 512 * 1024;
/** A chunk at least this large is sent as its own write, without copying it. */
const DIRECT_BYTES = 256 * 1024;

/**
 * Sends files on one data channel as DATA/EOF records (FAIL when a file cannot be read), gathering
 * small records into large writes. One file at a time; call `flush` after the last of a batch.
 */
export class FileSender {
  private buf = new Uint8Array(GATHER_BYTES + DATA_HEADER_BYTES + EOF_BYTES);
  private fill = 0;
  sentBytes = 0;

  constructor(private readonly channel: Channel) {}

  /** Sends `data` (a file's bytes from `offset`) as file `fileId`; a read error becomes FAIL. */
  async sendFile(fileId: number, data: ReadableStream<Uint8Array> | (() => ReadableStream<Uint8Array>), offset: number, signal?: AbortSignal): Promise<void> {
    let pos = offset;
    try {
      const stream = typeof data === "function" ? data() : data;
      for await (const chunk of stream) {
        for (let at = 0; at < chunk.length; at += MAX_DATA_BYTES) {
          const piece = chunk.subarray(at, Math.min(chunk.length, at + MAX_DATA_BYTES));
          await this.data(fileId, pos, piece, signal);
          pos += piece.length;
        }
      }
    } catch (e) {
      if (isBlitError(e) && (e.code === "CANCELLED" || e.code === "PEER_CLOSED")) throw e;
      const err = isBlitError(e) ? e : new BlitError("INTERNAL", String(e));
      await this.flush(signal);
      await this.channel.send(encodeFail(fileId, err.code, err.message), signal);
      return;
    }
    await this.room(EOF_BYTES, signal);
    writeEof(this.buf, this.fill, fileId, pos);
    this.fill += EOF_BYTES;
  }

  /** Sends a whole file already in memory as file `fileId`. */
  async sendBytes(fileId: number, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    let pos = 0;
    while (pos < bytes.length) {
      const piece = bytes.subarray(pos, Math.min(bytes.length, pos + MAX_DATA_BYTES));
      await this.data(fileId, pos, piece, signal);
      pos += piece.length;
    }
    await this.room(EOF_BYTES, signal);
    writeEof(this.buf, this.fill, fileId, pos);
    this.fill += EOF_BYTES;
  }

  /** Sends a FAIL record for a file that will not come. */
  async fail(fileId: number, error: BlitError, signal?: AbortSignal): Promise<void> {
    await this.flush(signal);
    await this.channel.send(encodeFail(fileId, error.code, error.message), signal);
  }

  /** Writes what is gathered. */
  async flush(signal?: AbortSignal): Promise<void> {
    if (this.fill === 0) return;
    const out = this.buf.subarray(0, this.fill);
    this.fill = 0;
    this.sentBytes += out.length;
    await this.channel.send(out, signal);
  }

  // --- internal ---

  private async data(fileId: number, offset: number, piece: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (piece.length >= DIRECT_BYTES) {
      await this.room(DATA_HEADER_BYTES, signal);
      writeDataHeader(this.buf, this.fill, fileId, offset, piece.length);
      this.fill += DATA_HEADER_BYTES;
      await this.flush(signal);
      this.sentBytes += piece.length;
      await this.channel.send(piece, signal);
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
