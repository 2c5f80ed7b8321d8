import { BlitError } from "../errors.ts";

/**
 * The data-plane codec (proto/PROTOCOL.md "Records"): the only code that encodes or decodes the
 * bytes of a data connection, whatever carries them (TCP, the gRPC fallback, memory).
 *
 * Every record starts with a one-byte type; integers are big-endian. Lengths are checked against
 * fixed bounds before anything is allocated, so a lying peer costs at most one bounded header.
 */

/** Data-plane protocol version, carried in HELLO. */
export const DATA_PROTOCOL_VERSION = 2;
/** "BLDP": the first bytes of every data connection. */
export const DATA_MAGIC = 0x424c4450;
/** Largest payload of one DATA record. */
export const MAX_DATA_BYTES = 8 << 20;
/** Token length bounds (bytes). */
export const MIN_TOKEN_BYTES = 16;
export const MAX_TOKEN_BYTES = 64;
/** Largest FAIL message (bytes). */
const MAX_FAIL_BYTES = 4096;

export const RECORD = { HELLO: 0x01, GO: 0x02, DATA: 0x10, EOF: 0x11, FAIL: 0x12, END: 0x1f } as const;

/** One decoded record. DATA payloads arrive in one or more pieces (`piece`), in order. */
export type Record =
  | { readonly type: "hello"; readonly version: number; readonly token: Uint8Array }
  | { readonly type: "go" }
  | { readonly type: "data"; readonly fileId: number; readonly offset: number; readonly piece: Uint8Array; readonly last: boolean }
  | { readonly type: "eof"; readonly fileId: number; readonly size: number; readonly digest: Uint8Array; readonly changed: boolean }
  | { readonly type: "fail"; readonly fileId: number; readonly code: string; readonly message: string }
  | { readonly type: "end" };

/** HELLO: type, magic u32, version u16, token length u8, token. */
export function encodeHello(token: Uint8Array): Uint8Array {
  if (token.length < MIN_TOKEN_BYTES || token.length > MAX_TOKEN_BYTES) throw new BlitError("INTERNAL", `token of ${token.length} bytes`);
  const out = new Uint8Array(8 + token.length);
  const v = view(out);
  out[0] = RECORD.HELLO;
  v.setUint32(1, DATA_MAGIC);
  v.setUint16(5, DATA_PROTOCOL_VERSION);
  out[7] = token.length;
  out.set(token, 8);
  return out;
}

/** GO: the listener accepted the token; records may follow. */
export const encodeGo = (): Uint8Array => Uint8Array.of(RECORD.GO);

/** END: no more records on this connection. */
export const encodeEnd = (): Uint8Array => Uint8Array.of(RECORD.END);

/** The 17-byte DATA header (type, file id u32, offset u64, length u32); `length` payload bytes follow. */
export const DATA_HEADER_BYTES = 17;
export function writeDataHeader(out: Uint8Array, at: number, fileId: number, offset: number, length: number): void {
  if (length > MAX_DATA_BYTES) throw new BlitError("INTERNAL", `DATA record of ${length} bytes`);
  const v = view(out);
  out[at] = RECORD.DATA;
  v.setUint32(at + 1, fileId);
  v.setBigUint64(at + 5, BigInt(offset));
  v.setUint32(at + 13, length);
}

/** Bytes of the file digest an EOF carries (128 bits, see file-digest.ts in the engine). */
export const FILE_DIGEST_BYTES = 16;
/** EOF flag: the source file changed while it was read (what was sent may mix two versions). */
const EOF_CHANGED = 0x01;
/**
 * EOF: type, file id u32, total size u64, digest of the bytes as sent, flags u8 — the file is
 * complete.
 */
export const EOF_BYTES = 14 + FILE_DIGEST_BYTES;
export function writeEof(out: Uint8Array, at: number, fileId: number, size: number, digest: Uint8Array, changed = false): void {
  if (digest.length !== FILE_DIGEST_BYTES) throw new BlitError("INTERNAL", `file digest of ${digest.length} bytes`);
  const v = view(out);
  out[at] = RECORD.EOF;
  v.setUint32(at + 1, fileId);
  v.setBigUint64(at + 5, BigInt(size));
  out.set(digest, at + 13);
  out[at + 13 + FILE_DIGEST_BYTES] = changed ? EOF_CHANGED : 0;
}

/** FAIL: type, file id u32, code length u8, code (ASCII), message length u16, message (UTF-8). */
export function encodeFail(fileId: number, code: string, message: string): Uint8Array {
  const c = new TextEncoder().encode(code.slice(0, 64));
  let m = new TextEncoder().encode(message);
  if (m.length > MAX_FAIL_BYTES) m = m.subarray(0, MAX_FAIL_BYTES);
  const out = new Uint8Array(8 + c.length + m.length);
  const v = view(out);
  out[0] = RECORD.FAIL;
  v.setUint32(1, fileId);
  out[5] = c.length;
  out.set(c, 6);
  v.setUint16(6 + c.length, m.length);
  out.set(m, 8 + c.length);
  return out;
}

/**
 * Incremental decoder: feed it chunks as they arrive, get records back. A DATA payload is handed
 * out as it arrives (no copy of the payload); headers are assembled in a small fixed buffer.
 * A malformed stream throws CORRUPT_DATA naming what was wrong.
 */
export class FrameDecoder {
  private readonly head = new Uint8Array(8 + 64 + 2 + MAX_FAIL_BYTES);
  private have = 0;
  private payloadLeft = 0;
  private payload = { fileId: 0, offset: 0, start: 0 };

  /** Decodes what `chunk` completes; the records reference `chunk`'s memory. */
  push(chunk: Uint8Array): Record[] {
    const out: Record[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.payloadLeft > 0) {
        const n = Math.min(this.payloadLeft, chunk.length - i);
        this.payloadLeft -= n;
        out.push({ type: "data", fileId: this.payload.fileId, offset: this.payload.offset, piece: chunk.subarray(i, i + n), last: this.payloadLeft === 0 });
        this.payload.offset += n;
        i += n;
        continue;
      }
      const need = this.needed();
      const take = Math.min(need - this.have, chunk.length - i);
      this.head.set(chunk.subarray(i, i + take), this.have);
      this.have += take;
      i += take;
      if (this.have === this.needed()) this.complete(out);
    }
    return out;
  }

  /**
   * The DATA payload being read: its file, the offset of its next byte, the bytes still to come,
   * the offset its record started at; null between records.
   */
  get openPayload(): { readonly fileId: number; readonly offset: number; readonly left: number; readonly recordStart: number } | null {
    return this.payloadLeft > 0 ? { fileId: this.payload.fileId, offset: this.payload.offset, left: this.payloadLeft, recordStart: this.payload.start } : null;
  }

  /** Counts the next `n` bytes of the open payload as read elsewhere (they never reach `push`). */
  skipPayload(n: number): void {
    if (n > this.payloadLeft) throw new BlitError("INTERNAL", `skipping ${n} payload bytes of ${this.payloadLeft}`);
    this.payloadLeft -= n;
    this.payload.offset += n;
  }

  /** True when no record is half-read (a clean place for the stream to end). */
  get idle(): boolean {
    return this.have === 0 && this.payloadLeft === 0;
  }

  // --- internal ---

  /** Header bytes needed for the record begun in `head` (grows as length fields are read). */
  private needed(): number {
    if (this.have === 0) return 1;
    const h = this.head;
    switch (h[0]) {
      case RECORD.HELLO:
        if (this.have < 8) return 8;
        this.checkHello(view(h));
        return 8 + h[7]!;
      case RECORD.GO:
      case RECORD.END:
        return 1;
      case RECORD.DATA:
        return DATA_HEADER_BYTES;
      case RECORD.EOF:
        return EOF_BYTES;
      case RECORD.FAIL: {
        if (this.have < 6) return 6;
        const c = h[5]!;
        if (c > 64) throw corrupt(`FAIL code of ${c} bytes`);
        if (this.have < 8 + c) return 8 + c;
        const m = view(h).getUint16(6 + c);
        if (m > MAX_FAIL_BYTES) throw corrupt(`FAIL message of ${m} bytes`);
        return 8 + c + m;
      }
      default:
        throw corrupt(`unknown record type 0x${h[0]!.toString(16)}`);
    }
  }

  private complete(out: Record[]): void {
    const h = this.head;
    const v = view(h);
    const type = h[0];
    this.have = 0;
    if (type === RECORD.HELLO) out.push({ type: "hello", version: v.getUint16(5), token: h.slice(8, 8 + h[7]!) });
    else if (type === RECORD.GO) out.push({ type: "go" });
    else if (type === RECORD.END) out.push({ type: "end" });
    else if (type === RECORD.EOF) out.push({ type: "eof", fileId: v.getUint32(1), size: toSafe(v.getBigUint64(5)), digest: h.slice(13, 13 + FILE_DIGEST_BYTES), changed: (h[13 + FILE_DIGEST_BYTES]! & EOF_CHANGED) !== 0 });
    else if (type === RECORD.FAIL) out.push(decodeFail(h, v));
    else this.startPayload(v, out);
  }

  private checkHello(v: DataView): void {
    if (this.have > 8) return;
    if (v.getUint32(1) !== DATA_MAGIC) throw corrupt("not a blit data connection (bad magic)");
    const n = this.head[7]!;
    if (n < MIN_TOKEN_BYTES || n > MAX_TOKEN_BYTES) throw corrupt(`token length ${n} out of bounds`);
  }

  private startPayload(v: DataView, out: Record[]): void {
    const fileId = v.getUint32(1);
    const offset = toSafe(v.getBigUint64(5));
    const length = v.getUint32(13);
    if (length > MAX_DATA_BYTES) throw corrupt(`DATA record of ${length} bytes (limit ${MAX_DATA_BYTES})`);
    if (length === 0) out.push({ type: "data", fileId, offset, piece: new Uint8Array(0), last: true });
    this.payloadLeft = length;
    this.payload = { fileId, offset, start: offset };
  }
}

// --- internal ---

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

function decodeFail(h: Uint8Array, v: DataView): Record {
  const c = h[5]!;
  const m = v.getUint16(6 + c);
  const dec = new TextDecoder();
  return { type: "fail", fileId: v.getUint32(1), code: dec.decode(h.subarray(6, 6 + c)), message: dec.decode(h.subarray(8 + c, 8 + c + m)) };
}

function toSafe(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`offset or size ${n} out of range`);
  return Number(n);
}

const corrupt = (why: string): BlitError => new BlitError("CORRUPT_DATA", `data connection: ${why}`);
