import { BlitError } from "../../domain/errors.ts";
import { FILE_DIGEST_BYTES, MAX_DATA_BYTES } from "../../domain/wire/frame.ts";

/**
 * The end-to-end check of a file that crosses a network (SPEC §3 "Verified transfers",
 * proto/PROTOCOL.md "Verified files"): a 128-bit digest of each DATA record's payload, and the
 * file digest an EOF carries made of them — the record digest itself for a file of one record,
 * the digest of the record digests in order otherwise (an empty file: the digest of nothing).
 * Per record, so that the side of a zero-copy transfer that never sees the bytes (a sendfile or
 * splice worker) hashes its record from the file on its own.
 *
 * The digest is XXH3-64 and wyhash-64 (two unrelated 64-bit hash families that Bun ships, each
 * with its own seed) side by side: a changed byte goes unnoticed only if both collide, about
 * 2^-128 for an accidental change; it is no defence against a forger (TLS is, SPEC §9). Chosen
 * by measurement in Bun 1.4.5 on this machine: this digest 12–15 GB/s and 1.1–1.6 µs per 4 KiB
 * file, where SHA-256 (SHA-NI) ran at 0.9–1.6 GB/s and 2.8–6.9 µs, BLAKE2b-256 and SHA-512/256 at
 * 0.65 GB/s, hash-wasm's XXH128 at 1.7–4 GB/s and 2.9–6 µs and its BLAKE3 at 0.16 GB/s;
 * libxxhash's XXH3-128 (14 GB/s) returns a struct, which bun:ffi cannot receive. The tcp adapter's file-io-worker.ts
 * computes the same digest (its tests check the two agree).
 */
export function recordDigest(payload: Uint8Array): Uint8Array {
  if (!VERIFY) return UNHASHED;
  const out = new Uint8Array(FILE_DIGEST_BYTES);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt.asUintN(64, BigInt(Bun.hash.xxHash3(payload, SEED_XXH3))));
  v.setBigUint64(8, BigInt.asUintN(64, BigInt(Bun.hash.wyhash(payload, SEED_WYHASH))));
  return out;
}

export function fileDigest(records: readonly Uint8Array[]): Uint8Array {
  if (records.length === 1 || !VERIFY) return records[0] ?? (VERIFY ? recordDigest(new Uint8Array(0)) : UNHASHED);
  const all = new Uint8Array(records.length * FILE_DIGEST_BYTES);
  records.forEach((r, i) => all.set(r, i * FILE_DIGEST_BYTES));
  return recordDigest(all);
}

/** The digest of a file as it arrives: its records' pieces in order, some records hashed elsewhere. */
export class IncomingDigest {
  private readonly records: Uint8Array[] = [];
  /** The open record's pieces so far (a record split across chunks is hashed whole at its end). */
  private open: Uint8Array | null = null;
  private fill = 0;

  /** A piece of a DATA payload; `last` ends its record. */
  piece(piece: Uint8Array, last: boolean): void {
    if (piece.length === 0 || !VERIFY) return;
    if (this.fill === 0 && last) {
      this.records.push(recordDigest(piece));
      return;
    }
    this.open ??= RECORD_BUFFERS.pop() ?? new Uint8Array(MAX_DATA_BYTES);
    if (this.fill + piece.length > this.open.length) {
      // More than a record can hold: the file cannot match any more.
      this.records.push(UNHASHED);
      this.fill = 0;
      return;
    }
    this.open.set(piece, this.fill);
    this.fill += piece.length;
    if (!last) return;
    this.records.push(recordDigest(this.open.subarray(0, this.fill)));
    this.closeRecord();
  }

  /** The open record was finished elsewhere and `digest` covers all of its payload. */
  recordDone(digest: Uint8Array): void {
    this.closeRecord();
    this.records.push(digest);
  }

  /** True when the bytes that arrived are those the sender's EOF digest `sent` describes. */
  matches(sent: Uint8Array): boolean {
    if (!VERIFY) return true;
    if (this.fill !== 0 || sent.length !== FILE_DIGEST_BYTES) return false;
    const got = fileDigest(this.records);
    for (let i = 0; i < FILE_DIGEST_BYTES; i++) if (got[i] !== sent[i]) return false;
    return true;
  }

  private closeRecord(): void {
    this.fill = 0;
    if (this.open !== null && RECORD_BUFFERS.length < MAX_SPARE_BUFFERS) RECORD_BUFFERS.push(this.open);
    this.open = null;
  }
}

/**
 * Null when file `fileId`, which arrived up to offset `arrived` with digest `got`, is what its EOF
 * says was sent; else the CORRUPT_DATA failure. A file whose source changed while it was read is
 * not held to its digest (a zero-copy sender hashes the file next to sending it, so a change
 * between the two differs without any fault): it lands flagged instead, without the source's
 * mtime, and the next run sends it again.
 */
export function arrivalError(fileId: number, arrived: number, got: IncomingDigest, sent: { size: number; digest: Uint8Array; changed: boolean }): BlitError | null {
  if (arrived !== sent.size) return new BlitError("CORRUPT_DATA", `file ${fileId}: ${arrived} bytes arrived, its end says ${sent.size}`);
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
const SEED_XXH3 = 0x626c6974n;
const SEED_WYHASH = 0x76657269n;
/**
 * Buffers for records that arrive in several pieces, reused (fresh memory costs a page fault per
 * 4 KiB here): at most one record is open per data connection.
 */
const RECORD_BUFFERS: Uint8Array[] = [];
const MAX_SPARE_BUFFERS = 8;

/** The digests of a file's records as they are sent. */
export class OutgoingDigest {
  private records: Uint8Array[] = [];

  record(digest: Uint8Array): void {
    this.records.push(digest);
  }

  /** The file digest of what was recorded; starts over for the next file. */
  take(): Uint8Array {
    const d = fileDigest(this.records);
    this.records = [];
    return d;
  }
}
