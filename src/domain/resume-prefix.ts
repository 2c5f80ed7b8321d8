/** --resume across stores: how much of an existing destination file can be kept. */

/** Block size of the block hashes compared for --resume. */
export const RESUME_BLOCK_BYTES = 1 << 20;

/**
 * Bytes at the start of a file that source and destination share, from their block hashes
 * (each block RESUME_BLOCK_BYTES, the last one shorter): the leading blocks whose hashes are
 * equal. A shorter last block hashes differently from a whole one, so the result never exceeds
 * either size.
 */
export function sharedPrefix(source: readonly Uint8Array[], dest: readonly Uint8Array[], sourceSize: number): number {
  let blocks = 0;
  while (blocks < source.length && blocks < dest.length && equal(source[blocks]!, dest[blocks]!)) blocks++;
  return Math.min(blocks * RESUME_BLOCK_BYTES, sourceSize);
}

/** Bytes of one block hash (SHA-256). */
export const BLOCK_HASH_BYTES = 32;

/** Block hashes as one byte string, as they travel and as the hashing job returns them. */
export function joinHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(hashes.length * BLOCK_HASH_BYTES);
  hashes.forEach((h, i) => all.set(h, i * BLOCK_HASH_BYTES));
  return all;
}

/** The block hashes of a joined byte string (a cut trailing hash is dropped). */
export function splitHashes(all: Uint8Array): Uint8Array[] {
  return Array.from({ length: Math.floor(all.length / BLOCK_HASH_BYTES) }, (_, i) => all.subarray(i * BLOCK_HASH_BYTES, (i + 1) * BLOCK_HASH_BYTES));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
