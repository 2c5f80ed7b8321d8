import { BlitError } from "../../domain/errors.ts";
import { FILE_DIGEST_BYTES } from "../../domain/wire/frame.ts";

/**
 * The end-to-end check of a file that crosses a network (SPEC §3 "Verified transfers",
 * proto/PROTOCOL.md "Verified files"): a 128-bit digest of each DATA record's payload, and the
 * file digest an EOF carries made of them — the record digest itself for a file of one record,
 * the digest of the record digests in order otherwise (an empty file: the digest of nothing).
 * Per record, so that the side of a zero-copy transfer that never sees the bytes (a sendfile or
 * splice worker) hashes its record from the file on its own. A record longer than one span
 * (1 MiB) is the digest of its spans' digests, so that no side holds more than a span of a
 * record to hash it.
 *
 * The digest is XXH3-64 and wyhash-64 (two unrelated 64-bit hash families that Bun ships, each
 * with its own seed) side by side: a changed byte goes unnoticed only if both collide, about
 * 2^-128 for an accidental change; it is no defence against a forger (TLS is, SPEC §9). Chosen
 * by measurement in Bun 1.4.5 on this machine: this digest 12–15 GB/s and 1.1–1.6 µs per 4 KiB
 * file, where SHA-256 (SHA-NI) ran at 0.9–1.6 GB/s and 2.8–6.9 µs, BLAKE2b-256 and SHA-512/256 at
 * 0.65 GB/s, hash-wasm's XXH128 at 1.7–4 GB/s and 2.9–6 µs and its BLAKE3 at 0.16 GB/s;
 * libxxhash's XXH3-128 (14 GB/s) returns a struct, which bun:ffi cannot receive. The tcp
 * adapter's file-io-worker.ts computes the same record digest (its tests check the two agree).
 */
export function recordDigest(payload: Uint8Array): Uint8Array {
  if (!VERIFY) return UNHASHED;
  if (payload.length <= DIGEST_SPAN_BYTES) return digest128(payload);
  const spans: Uint8Array[] = [];
  for (let at = 0; at < payload.length; at += DIGEST_SPAN_BYTES) spans.push(digest128(payload.subarray(at, at + DIGEST_SPAN_BYTES)));
  return joined(spans);
}

/**
 * The entry a hole takes among a file's record digests when a sparse file is sent as its data extents (DATA records
 * with gaps between them, or a size past its last record): the digest of a tag byte and the hole's first and end
 * offsets, so that a record moved to another offset or a hole where data was sent fails the check. A file without
 * gaps has none, and its digest is that of its records alone.
 */
export function gapDigest(from: number, to: number): Uint8Array {
  if (!VERIFY) return UNHASHED;
  const b = new Uint8Array(17);
  const v = new DataView(b.buffer);
  b[0] = 0x48; // "H"
  v.setBigUint64(1, BigInt(from));
  v.setBigUint64(9, BigInt(to));
  return digest128(b);
}

export function fileDigest(records: readonly Uint8Array[]): Uint8Array {
  if (!VERIFY) return UNHASHED;
  return records.length === 1 ? records[0]! : joined(records);
}

/** Bytes of a record hashed as one span. */
export const DIGEST_SPAN_BYTES = 1 << 20;

/** The digest of a file as it arrives: its records' pieces in order, some records hashed elsewhere. */
export class IncomingDigest {
  /** Record digests in order; a promise while a channel still reads one back from the file. */
  private readonly records: (Uint8Array | Promise<Uint8Array>)[] = [];
  /** Digests of the open record's complete spans. */
  private spans: Uint8Array[] = [];
  /** The open record's bytes so far, and those of its current span held in `span`. */
  private recordBytes = 0;
  private span: Uint8Array | null = null;
  private fill = 0;

  /** A piece of a DATA payload; `last` ends its record. */
  piece(piece: Uint8Array, last: boolean): void {
    if (!VERIFY) return;
    if (this.recordBytes === 0 && last && piece.length <= DIGEST_SPAN_BYTES) {
      if (piece.length > 0) this.records.push(digest128(piece));
      return;
    }
    this.recordBytes += piece.length;
    for (let at = 0; at < piece.length; ) {
      const take = Math.min(DIGEST_SPAN_BYTES - this.fill, piece.length - at);
      if (this.fill === 0 && take === DIGEST_SPAN_BYTES) this.spans.push(digest128(piece.subarray(at, at + take)));
      else {
        this.span ??= SPAN_BUFFERS.pop() ?? new Uint8Array(DIGEST_SPAN_BYTES);
        this.span.set(piece.subarray(at, at + take), this.fill);
        this.fill += take;
        if (this.fill === DIGEST_SPAN_BYTES) this.endSpan();
      }
      at += take;
    }
    if (!last || this.recordBytes === 0) return;
    if (this.fill > 0) this.endSpan();
    this.records.push(this.recordBytes <= DIGEST_SPAN_BYTES ? this.spans[0]! : joined(this.spans));
    this.closeRecord();
  }

  /** A hole [from, to) before the next record or at the end (no record may be open). */
  gap(from: number, to: number): void {
    if (!VERIFY) return;
    if (this.recordBytes !== 0) this.records.push(UNREADABLE); // a gap inside a record: cannot match
    this.closeRecord();
    this.records.push(gapDigest(from, to));
  }

  /** The open record was finished elsewhere and `digest` covers all of its payload. */
  recordDone(digest: Uint8Array | Promise<Uint8Array>): void {
    this.closeRecord();
    this.records.push(digest);
  }

  /** Null when every record digest is known; else what settles once they are (never rejects). */
  settled(): Promise<void> | null {
    if (!this.records.some((r) => r instanceof Promise)) return null;
    return Promise.all(this.records.map((r, i) => Promise.resolve(r).then((d) => void (this.records[i] = d), () => void (this.records[i] = UNREADABLE)))).then(() => {});
  }

  /** True when the bytes that arrived are those the sender's EOF digest `sent` describes. */
  matches(sent: Uint8Array): boolean {
    if (!VERIFY) return true;
    if (this.recordBytes !== 0 || sent.length !== FILE_DIGEST_BYTES) return false;
    if (this.records.some((r) => r instanceof Promise || r === UNREADABLE)) return false;
    const got = fileDigest(this.records as Uint8Array[]);
    for (let i = 0; i < FILE_DIGEST_BYTES; i++) if (got[i] !== sent[i]) return false;
    return true;
  }

  private endSpan(): void {
    this.spans.push(digest128(this.span!.subarray(0, this.fill)));
    this.fill = 0;
  }

  private closeRecord(): void {
    this.recordBytes = 0;
    this.fill = 0;
    this.spans = [];
    if (this.span !== null && SPAN_BUFFERS.length < MAX_SPARE_BUFFERS) SPAN_BUFFERS.push(this.span);
    this.span = null;
  }
}

/** The 16-byte digest of `bytes`: XXH3-64 then wyhash-64, seeded, big-endian. */
function digest128(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(FILE_DIGEST_BYTES);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt.asUintN(64, BigInt(Bun.hash.xxHash3(bytes, SEED_XXH3))));
  v.setBigUint64(8, BigInt.asUintN(64, BigInt(Bun.hash.wyhash(bytes, SEED_WYHASH))));
  return out;
}

/** The digest of digests, concatenated in order. */
function joined(digests: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(digests.length * FILE_DIGEST_BYTES);
  digests.forEach((d, i) => all.set(d, i * FILE_DIGEST_BYTES));
  return digest128(all);
}

/**
 * Null when file `fileId`, which arrived up to offset `arrived` with digest `got`, is what its EOF
 * says was sent; else the CORRUPT_DATA failure. An EOF past `arrived` adds a trailing hole to `got` (only a sparse
 * file's sender ends past its last record). A file whose source changed while it was read is
 * not held to its digest (a zero-copy sender hashes the file next to sending it, so a change
 * between the two differs without any fault): it lands flagged instead, without the source's
 * mtime, and the next run sends it again.
 */
export function arrivalError(fileId: number, arrived: number, got: IncomingDigest, sent: { size: number; digest: Uint8Array; changed: boolean }): BlitError | null {
  // A size past the last record is a trailing hole, which the sender's digest names too (a dense file has none).
  if (arrived < sent.size) got.gap(arrived, sent.size);
  else if (arrived !== sent.size) return new BlitError("CORRUPT_DATA", `file ${fileId}: ${arrived} bytes arrived, its end says ${sent.size}`);
  if (sent.changed || got.matches(sent.digest)) return null;
  return new BlitError("CORRUPT_DATA", "checksum mismatch: the bytes that arrived differ from the bytes sent (changed on the way between the two machines)");
}

declare const BLIT_BENCH_UNVERIFIED: boolean | undefined;
/**
 * False only in the benchmark's comparison build (`bun scripts/build.ts --bench-unverified`, which
 * defines BLIT_BENCH_UNVERIFIED): there is no setting that turns verification off.
 */
const VERIFY = typeof BLIT_BENCH_UNVERIFIED === "undefined" || !BLIT_BENCH_UNVERIFIED;
const UNHASHED = new Uint8Array(FILE_DIGEST_BYTES);
/** A record whose bytes could not be read back: the file cannot be shown to match. */
const UNREADABLE = new Uint8Array(FILE_DIGEST_BYTES);
const SEED_XXH3 = 0x626c6974n;
const SEED_WYHASH = 0x76657269n;
/**
 * Span buffers of records that arrive in pieces, reused (fresh memory costs a page fault per
 * 4 KiB here): at most one record is open per data connection.
 */
const SPAN_BUFFERS: Uint8Array[] = [];
const MAX_SPARE_BUFFERS = 8;

/** The digests of a file's records as they are sent (some may still be computed by a channel). */
export class OutgoingDigest {
  private records: (Uint8Array | Promise<Uint8Array>)[] = [];

  record(digest: Uint8Array | Promise<Uint8Array>): void {
    this.records.push(digest);
  }

  /** A hole [from, to) the file has before its next record or at its end. */
  gap(from: number, to: number): void {
    this.records.push(gapDigest(from, to));
  }

  /** The file digest of what was recorded (once every record's is known); starts over for the next file. */
  take(): Uint8Array | Promise<Uint8Array> {
    const records = this.records;
    this.records = [];
    if (!records.some((r) => r instanceof Promise)) return fileDigest(records as Uint8Array[]);
    return Promise.all(records).then(fileDigest);
  }
}
