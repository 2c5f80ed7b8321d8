/**
 * The record digest of a range of an open file, read back from it (proto/PROTOCOL.md "Verified
 * files"; the same digest as adapters/blit-session/file-digest.ts, which the adapter tests check): XXH3-64 ‖
 * wyhash-64 of the bytes, seeded, or of the 1 MiB spans' digests for a longer record.
 */
import * as fs from "node:fs";

declare const BLIT_BENCH_UNVERIFIED: boolean | undefined;
/** Defined only by the benchmark's comparison build (scripts/build.ts --bench-unverified). */
const VERIFY = typeof BLIT_BENCH_UNVERIFIED === "undefined" || !BLIT_BENCH_UNVERIFIED;
/** A record is hashed in spans of this many bytes (the engine's DIGEST_SPAN_BYTES). */
export const SPAN_BYTES = 1 << 20;
let spanBuffer: Uint8Array | null = null;

/** The record digest of `length` bytes of file `fd` from `offset`; null when they cannot all be read. */
export function hashRange(fd: number, offset: number, length: number): Uint8Array | null {
  if (!VERIFY) return new Uint8Array(16);
  spanBuffer ??= new Uint8Array(SPAN_BYTES);
  const spans: Uint8Array[] = [];
  for (let at = 0; at < length || spans.length === 0; at += SPAN_BYTES) {
    const want = Math.min(SPAN_BYTES, length - at);
    const bytes = spanBuffer.subarray(0, want);
    for (let got = 0; got < want; ) {
      let n: number;
      try {
        n = fs.readSync(fd, bytes, got, want - got, offset + at + got);
      } catch {
        return null;
      }
      if (n === 0) return null;
      got += n;
    }
    spans.push(digest128(bytes));
  }
  if (spans.length === 1) return spans[0]!;
  const all = new Uint8Array(spans.length * 16);
  spans.forEach((d, i) => all.set(d, i * 16));
  return digest128(all);
}

/**
 * The record digest of a record whose bytes come one span at a time (every span but the last
 * SPAN_BYTES long, in order): the same digest as hashRange of those bytes.
 */
export class RecordHasher {
  private readonly spans: Uint8Array[] = [];

  span(bytes: Uint8Array): void {
    if (VERIFY) this.spans.push(digest128(bytes));
  }

  digest(): Uint8Array {
    if (!VERIFY) return new Uint8Array(16);
    if (this.spans.length === 0) return digest128(new Uint8Array(0));
    if (this.spans.length === 1) return this.spans[0]!;
    const all = new Uint8Array(this.spans.length * 16);
    this.spans.forEach((d, i) => all.set(d, i * 16));
    return digest128(all);
  }
}

function digest128(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt.asUintN(64, BigInt(Bun.hash.xxHash3(bytes, 0x626c6974n))));
  v.setBigUint64(8, BigInt.asUintN(64, BigInt(Bun.hash.wyhash(bytes, 0x76657269n))));
  return out;
}

