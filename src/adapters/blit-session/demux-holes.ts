import type { WholeFile } from "./chunk-loans.ts";
import type { Incoming } from "./incoming-file.ts";
import { feedLater } from "./stream-feed.ts";
import { zeroPieces } from "./zero-pieces.ts";

/**
 * Holes of a sparse file arriving without a target (FileDemux): a file not yet claimed keeps each hole in its queue
 * as a marker (an empty piece standing for its length), so that a target given later leaves it a hole; a stream or
 * whole file gets zeros in its place, a piece at a time (a stream's wait for room as each goes in): views of one
 * shared buffer of zeros (zero-pieces.ts), which a relay's sender passes on as a gap.
 */

const HOLES = new WeakMap<Uint8Array, number>();

export const isHole = (piece: Uint8Array): boolean => HOLES.has(piece);

/** Bytes `piece` stands for: its length, or the hole's. */
export const holeLength = (piece: Uint8Array): number => HOLES.get(piece) ?? piece.length;

/** `parts` with each hole marker as its zero pieces. */
export function* asZeros(parts: Iterable<Uint8Array>): Generator<Uint8Array> {
  for (const p of parts) {
    if (isHole(p)) yield* zeroPieces(holeLength(p));
    else yield p;
  }
}

/**
 * Hands a hole of `n` bytes to a file without a target: a marker in its queue, or zeros into its stream after what
 * is still being fed (resolves once the last went in).
 */
export function handHole(f: Incoming, n: number): Promise<void> | undefined {
  f.streamed += n;
  if (f.controller === null) {
    const marker = new Uint8Array(0);
    HOLES.set(marker, n);
    f.queued.push(marker);
    f.loans.push(null);
    return;
  }
  return feedLater(f, zeroPieces(n));
}

/** `file` with its hole markers as zeros (a whole file is at most its claim's limit, holes included). */
export function withZeros(file: WholeFile): WholeFile {
  if (!file.parts.some(isHole)) return file;
  return { parts: [...asZeros(file.parts)], release: file.release };
}
