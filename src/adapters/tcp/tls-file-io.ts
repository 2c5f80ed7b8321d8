import * as fs from "node:fs";
import { BlitError } from "../../domain/errors.ts";
import type { FileIoOutcome } from "../../ports/transport.ts";
import { RecordHasher, SPAN_BYTES } from "./record-hash.ts";
import { fileError } from "./socket-file-io.ts";

/** What a TLS channel lends its file I/O: writing plaintext into the TLS stream (with backpressure). */
export interface TlsStream {
  /** Resolves once the TLS library took all of `bytes`; throws CANCELLED or PEER_CLOSED. */
  write(bytes: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Wakes a write waiting for `drain` (it then sees the abort). */
  wake(): void;
  /** Stops and restarts reading from the connection (file writes are behind). */
  pause(): void;
  resume(): void;
}

/** Free span buffers, over all TLS connections of the process. */
const MAX_FREE_SPANS = 16;
const freeSpans: Uint8Array[] = [];
const takeSpan = () => freeSpans.pop() ?? new Uint8Array(SPAN_BYTES);
const giveSpan = (b: Uint8Array) => void (freeSpans.length < MAX_FREE_SPANS && freeSpans.push(b));
/**
 * Received bytes go to a file write once this many gathered (so at a record's end, when the
 * connection waits for its bytes to be in the file, little is left to write).
 */
const WRITE_BYTES = 256 << 10;
/** Received bytes waiting for their file writes before the connection is paused. */
const MAX_WRITING_BYTES = 2 << 20;

/** The record being received into a file: bytes gather into `span`, hashed per span, written every WRITE_BYTES. */
interface Receiving {
  readonly fd: number;
  /** File offset of `span[0]`. */
  at: number;
  /** Bytes of the record still to take from the connection. */
  left: number;
  readonly length: number;
  span: Uint8Array;
  fill: number;
  /** Of `fill`, the bytes in the file or handed to a write (the record's start the caller wrote, too). */
  onDisk: number;
  readonly hasher: RecordHasher;
  /** The file operation that failed (the rest of the record is then dropped), or 0; what it was. */
  errno: number;
  failed: string;
  /** Bytes handed to file writes that have not finished. */
  writing: number;
  /** Settles once every write started so far has (they run one after another, off the event loop). */
  writes: Promise<void>;
  readonly resolve: (r: FileIoOutcome) => void;
  readonly reject: (e: BlitError) => void;
}

/**
 * Channel.sendFile and Channel.receiveFile for a TLS connection, where sendfile/splice cannot run
 * (the bytes must pass through the TLS library). Sending reads the file in spans of 1 MiB into two
 * reused buffers (the next span is read off the event loop while the current one is written) and
 * hashes each span as it goes. Receiving takes the connection's chunks as they arrive (`take`,
 * from the socket's data callback, so nothing is queued or allocated per chunk), gathers them into
 * reused span buffers, hashes each span and writes the file every WRITE_BYTES off the event loop
 * (the connection pauses while MAX_WRITING_BYTES wait for their writes, and from a record's end
 * until its bytes are in the file). Both compute the record digest of record-hash.ts over the
 * same spans a read-back would, so the digests match the wire's. Nothing counts as zero-copy.
 */
export class TlsFileIo {
  private recv: Receiving | null = null;
  /** This paused the connection (until the file writes catch up). */
  private paused = false;

  constructor(private readonly stream: TlsStream) {}

  /** A receive owns the connection's incoming bytes. */
  get receiving(): boolean {
    return this.recv !== null;
  }

  /**
   * Writes `head`, then `length` bytes of file `fd` from `offset`. Resolves with fewer bytes when
   * the file ended early or failed (`error`); throws what `write` threw (the record is cut).
   */
  async send(head: Uint8Array, fd: number, offset: number, length: number, signal?: AbortSignal): Promise<FileIoOutcome> {
    const bufs = [takeSpan(), takeSpan()];
    const hasher = new RecordHasher();
    const wake = () => this.stream.wake();
    signal?.addEventListener("abort", wake);
    let reading: Promise<SpanRead> | null = readSpan(fd, bufs[0]!, Math.min(SPAN_BYTES, length), offset);
    try {
      await this.stream.write(head, signal);
      for (let at = 0, k = 0; at < length; k++) {
        const want = Math.min(SPAN_BYTES, length - at);
        const r: SpanRead = await reading!;
        reading = null;
        const span = bufs[k & 1]!.subarray(0, r.got);
        const more = r.got === want && at + want < length;
        if (more) reading = readSpan(fd, bufs[(k + 1) & 1]!, Math.min(SPAN_BYTES, length - at - want), offset + at + want);
        if (r.got > 0) {
          hasher.span(span);
          await this.stream.write(span, signal);
        }
        at += r.got;
        if (r.got < want) {
          return { bytes: at, zeroCopyBytes: 0, ...(r.errno !== 0 ? { error: fileError(r.errno, "reading") } : {}) };
        }
      }
      return { bytes: length, zeroCopyBytes: 0, digest: hasher.digest() };
    } finally {
      signal?.removeEventListener("abort", wake);
      // A buffer goes back only once no read still fills it.
      if (reading === null) bufs.forEach(giveSpan);
      else void reading.then(() => bufs.forEach(giveSpan));
    }
  }

  /**
   * Takes the next `length` bytes of the connection into file `fd` at `offset` (see `take`);
   * resolves once all were taken, with the record digest of the file's bytes from `hashFrom`
   * (those before `offset` are read back), or `error` (bytes 0) when the file could not be
   * written. Rejects with CANCELLED on `signal`, or with what `fail` is given.
   */
  receive(fd: number, offset: number, length: number, signal: AbortSignal | undefined, hashFrom: number): Promise<FileIoOutcome> {
    if (signal?.aborted) return Promise.reject(new BlitError("CANCELLED", "data connection file transfer cancelled"));
    const { promise, resolve, reject } = Promise.withResolvers<FileIoOutcome>();
    const onAbort = () => this.fail(new BlitError("CANCELLED", "data connection file transfer cancelled"));
    signal?.addEventListener("abort", onAbort);
    const done = () => signal?.removeEventListener("abort", onAbort);
    const r: Receiving = {
      fd,
      at: offset,
      left: length,
      length,
      span: takeSpan(),
      fill: 0,
      onDisk: 0,
      hasher: new RecordHasher(),
      errno: 0,
      failed: "writing",
      writing: 0,
      writes: Promise.resolve(),
      resolve: (x) => (done(), resolve(x)),
      reject: (e) => (done(), reject(e)),
    };
    // Unreadable: the record's bytes are still taken (and dropped), so the connection keeps step.
    if (!this.readBack(r, hashFrom, offset)) [r.errno, r.failed, r.at, r.fill, r.onDisk] = [5, "reading back", offset, 0, 0];
    this.recv = r;
    return promise;
  }

  /** A chunk from the connection while receiving: takes what belongs to the file; the rest. */
  take(chunk: Uint8Array): Uint8Array {
    const r = this.recv!;
    const n = Math.min(chunk.length, r.left);
    for (let at = 0; at < n; ) {
      const k = Math.min(SPAN_BYTES - r.fill, n - at);
      r.span.set(chunk.subarray(at, at + k), r.fill);
      r.fill += k;
      at += k;
      if (r.fill === SPAN_BYTES) this.flushSpan(r);
      else if (r.fill - r.onDisk >= WRITE_BYTES) this.writeOut(r, false);
    }
    r.left -= n;
    if (r.left === 0) {
      if (r.fill > 0) this.flushSpan(r);
      this.recv = null;
      giveSpan(r.span);
      const digest = r.hasher.digest();
      // Nothing more is read until the record is in the file: bytes read meanwhile would wait on
      // `incoming`, and the next record could not be received into its file.
      if (r.writing > 0) this.pause();
      void r.writes.then(() => (this.resume(), r.resolve(r.errno !== 0 ? { bytes: 0, zeroCopyBytes: 0, error: fileError(r.errno, r.failed) } : { bytes: r.length, zeroCopyBytes: 0, digest })));
    }
    return n === chunk.length ? EMPTY : chunk.subarray(n);
  }

  /** Ends a receive in progress with `e` (the connection closed, ended or was cancelled). */
  fail(e: BlitError): void {
    const r = this.recv;
    if (r === null) return;
    this.recv = null;
    this.paused = false;
    // Settled only once no write still uses the file's descriptor (the caller may close it then).
    void r.writes.then(() => r.reject(e));
  }

  /** Hashes the gathered span, hands the rest of it to a write and starts the next span. */
  private flushSpan(r: Receiving): void {
    r.hasher.span(r.span.subarray(0, r.fill));
    this.writeOut(r, true);
  }

  /**
   * Hands the span's bytes not yet written to a file write (off the event loop, after the earlier
   * ones); a failed write drops the rest of the record. `last`: the span is complete, the next
   * one starts in another buffer (this one is reused once its writes finished). The connection
   * pauses while MAX_WRITING_BYTES wait for their writes.
   */
  private writeOut(r: Receiving, last: boolean): void {
    const span = r.span;
    const [from, to, at] = [r.onDisk, r.fill, r.at];
    r.onDisk = to;
    if (last) {
      // A span wholly in the file already (the caller's) keeps its buffer.
      if (from === to && r.writing === 0) [r.at, r.fill, r.onDisk] = [at + to, 0, 0];
      else [r.span, r.at, r.fill, r.onDisk] = [takeSpan(), at + to, 0, 0];
    }
    if (from === to) {
      if (last && r.span !== span) r.writes = r.writes.then(() => giveSpan(span));
      return;
    }
    r.writing += to - from;
    r.writes = r.writes
      .then(() => (r.errno === 0 ? writeAll(r.fd, span, from, to, at) : undefined))
      .catch((e: unknown) => void (r.errno = errnoOf(e)))
      .finally(() => {
        if (last) giveSpan(span);
        r.writing -= to - from;
        if (this.recv === r && r.writing < MAX_WRITING_BYTES) this.resume();
      });
    if (r.writing >= MAX_WRITING_BYTES) this.pause();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.stream.pause();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.stream.resume();
  }

  /** Reads the record's bytes the caller already wrote (`from` to `to`) into its spans; false when they cannot be read. */
  private readBack(r: Receiving, from: number, to: number): boolean {
    r.at = from;
    while (r.at + r.fill < to) {
      const want = Math.min(SPAN_BYTES - r.fill, to - r.at - r.fill);
      let n: number;
      try {
        n = fs.readSync(r.fd, r.span, r.fill, want, r.at + r.fill);
      } catch {
        return false;
      }
      if (n === 0) return false;
      r.fill += n;
      r.onDisk = r.fill;
      if (r.fill === SPAN_BYTES) this.flushSpan(r);
    }
    return true;
  }
}

const EMPTY = new Uint8Array(0);

interface SpanRead {
  readonly got: number;
  readonly errno: number;
}

/** Reads up to `want` bytes at `pos` into `buf` off the event loop; fewer at the file's end or on an error. */
async function readSpan(fd: number, buf: Uint8Array, want: number, pos: number): Promise<SpanRead> {
  let got = 0;
  while (got < want) {
    let n: number;
    try {
      n = await new Promise<number>((resolve, reject) => fs.read(fd, buf, got, want - got, pos + got, (e, bytes) => (e ? reject(e) : resolve(bytes))));
    } catch (e) {
      return { got, errno: errnoOf(e) };
    }
    if (n === 0) break;
    got += n;
  }
  return { got, errno: 0 };
}

/** Writes `buf[from, to)` into file `fd` where `buf` starts at file offset `pos`, off the event loop. */
async function writeAll(fd: number, buf: Uint8Array, from: number, to: number, pos: number): Promise<void> {
  for (let off = from; off < to; ) {
    off += await new Promise<number>((resolve, reject) => fs.write(fd, buf, off, to - off, pos + off, (e, n) => (e ? reject(e) : resolve(n))));
  }
}

function errnoOf(e: unknown): number {
  const n = (e as { errno?: unknown }).errno;
  return typeof n === "number" && n !== 0 ? Math.abs(n) : 5;
}
