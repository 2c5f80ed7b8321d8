import type { WholeFile } from "./chunk-loans.ts";
import type { Incoming } from "./incoming-file.ts";

/**
 * Holes of a sparse file arriving without a target (FileDemux): a file not yet claimed keeps each hole in its queue
 * as a marker (an empty piece standing for its length), so that a target given later leaves it a hole; a stream or
 * whole file gets zeros in its place.
 */

/** A hole goes to a stream or whole file as zero pieces of at most this size. */
const ZEROS_BYTES = 1 << 20;
const HOLES = new WeakMap<Uint8Array, number>();

export const isHole = (piece: Uint8Array): boolean => HOLES.has(piece);

/** Bytes `piece` stands for: its length, or the hole's. */
export const holeLength = (piece: Uint8Array): number => HOLES.get(piece) ?? piece.length;

/** Zero pieces covering `n` bytes. */
export function zeros(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let left = n; left > 0; left -= ZEROS_BYTES) out.push(new Uint8Array(Math.min(left, ZEROS_BYTES)));
  return out;
}

/** Hands a hole of `n` bytes to a file without a target: a marker in its queue, or zeros into its stream. */
export function handHole(f: Incoming, n: number): void {
  f.streamed += n;
  if (f.controller === null) {
    const marker = new Uint8Array(0);
    HOLES.set(marker, n);
    f.queued.push(marker);
    f.loans.push(null);
    return;
  }
  for (const z of zeros(n)) f.controller.enqueue(z);
}

/** `file` with its hole markers as zeros. */
export function withZeros(file: WholeFile): WholeFile {
  if (!file.parts.some(isHole)) return file;
  return { parts: file.parts.flatMap((p) => (isHole(p) ? zeros(holeLength(p)) : [p])), release: file.release };
}
