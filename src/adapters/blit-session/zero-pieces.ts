/**
 * The zeros a stream gets for a hole of a sparse file (demux-holes.ts): views of one shared buffer of zeros, never
 * written into, so that a hole costs no memory however long it is, and a sender of that stream (a relay's write of
 * a peer's file, FileSender.sendStream) can tell a hole from data and send a gap there instead of the zeros.
 * Consumers of a stream read its chunks and never write into them; a zero piece must stay all zeros.
 */

/** A hole goes to a stream as zero pieces of at most this size. */
export const ZERO_PIECE_BYTES = 1 << 20;
let ZEROS = new Uint8Array(ZERO_PIECE_BYTES);

/** Zero pieces covering `n` bytes (views of the shared zeros). */
export function* zeroPieces(n: number): Generator<Uint8Array> {
  // A consumer that moved a piece's buffer to a thread (postMessage transfer) detached it: holes then get a new one.
  if (ZEROS.byteLength === 0) ZEROS = new Uint8Array(ZERO_PIECE_BYTES);
  for (let left = n; left > 0; left -= ZERO_PIECE_BYTES) yield left >= ZERO_PIECE_BYTES ? ZEROS : ZEROS.subarray(0, left);
}

/** True for a piece of a hole (a view of the shared zeros), false for bytes read from a file or a connection. */
export const isZeroPiece = (chunk: Uint8Array): boolean => chunk.buffer === ZEROS.buffer && chunk.length > 0;
