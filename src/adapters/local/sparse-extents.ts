/**
 * Sparse files: the data extents of an open file (lseek SEEK_DATA/SEEK_HOLE) and a copy that writes only those
 * extents at their offsets and then sets the size, so the destination's holes stay holes (rsync -S keeps them too).
 * Where the calls are missing the whole file counts as one extent; a filesystem without hole tracking answers the
 * same through the kernel's generic lseek.
 */
import * as fs from "node:fs";
import { BlitError } from "../../domain/errors.ts";
import { ERRNO, seek, SEEK_DATA, SEEK_HOLE } from "./fidelity.ffi.ts";
import { copyFileRange } from "./libc.ffi.ts";

/** A run of bytes that holds data: [offset, offset + length). */
export interface Extent {
  readonly offset: number;
  readonly length: number;
}

/** What a sparse copy did: data bytes written, of them through copy_file_range. */
export interface SparseCopyOutcome {
  readonly bytes: number;
  readonly zeroCopyBytes: number;
}

/** st_blocks counts 512-byte units (whatever the filesystem's block size). */
const STAT_BLOCK_BYTES = 512;

/**
 * True when a file of `size` bytes with `blocks` 512-byte blocks allocated may have holes: fewer bytes allocated than
 * its size. A dense file never needs {@link dataExtents}; a file with holes and metadata blocks beyond its data can
 * still answer false, and is then copied dense.
 */
export const mayHaveHoles = (size: number, blocks: number): boolean => blocks * STAT_BLOCK_BYTES < size;

/**
 * The data extents of `fd` within [0, size), in order, found lazily (a fragmented file never lists all its extents
 * at once). Without SEEK_DATA (no libc, an old kernel) the whole range is one extent. Throws BlitError INTERNAL on any
 * other lseek failure.
 */
export function* dataExtents(fd: number, size: number): Generator<Extent> {
  let pos = 0;
  while (pos < size) {
    const data = seek(fd, pos, SEEK_DATA);
    if (data === -ERRNO.ENXIO) return; // only a hole remains
    if (data < 0) {
      if (pos === 0 && (data === -ERRNO.ENOSYS || data === -ERRNO.EINVAL)) yield { offset: 0, length: size };
      else throw seekError(-data, "SEEK_DATA", pos);
      return;
    }
    if (data >= size) return;
    const hole = seek(fd, data, SEEK_HOLE);
    if (hole < 0) throw seekError(-hole, "SEEK_HOLE", data);
    const end = Math.min(hole, size);
    yield { offset: data, length: end - data };
    pos = end;
  }
}

/**
 * Copies the data extents of `fdIn` (of `size` bytes) into `fdOut` at the same offsets, then sets `fdOut`'s size to
 * `size`: a new, empty `fdOut` ends with the same holes (an existing one keeps whatever it held between extents).
 * `onChunk(n)` is called after each chunk written (progress; it may throw to cancel). Uses copy_file_range and falls
 * back to read/write where the kernel refuses it (across filesystems on old kernels, special filesystems).
 * Throws BlitError from node:fs failures as the caller maps them (to-blit-error.ts).
 */
export function copySparse(fdIn: number, fdOut: number, size: number, buf: Uint8Array, onChunk: (n: number) => void = () => {}): SparseCopyOutcome {
  let bytes = 0;
  let zeroCopyBytes = 0;
  let zeroCopy = true;
  for (const { offset, length } of dataExtents(fdIn, size)) {
    let pos = offset;
    const end = offset + length;
    while (zeroCopy && pos < end) {
      const n = copyFileRange(fdIn, pos, fdOut, pos, Math.min(ZERO_COPY_CHUNK, end - pos));
      if (n < 0) zeroCopy = false; // refused: this and the later extents go through read/write
      if (n <= 0) break; // 0: the file shrank under us; the read below confirms it
      pos += n;
      bytes += n;
      zeroCopyBytes += n;
      onChunk(n);
    }
    while (pos < end) {
      const n = fs.readSync(fdIn, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n === 0) break; // the file shrank under us: the size set below keeps the listed length
      let off = 0;
      while (off < n) off += fs.writeSync(fdOut, buf, off, n - off, pos + off);
      pos += n;
      bytes += n;
      onChunk(n);
    }
  }
  fs.ftruncateSync(fdOut, size);
  return { bytes, zeroCopyBytes };
}

// --- internal ---

/** Bytes per copy_file_range call: small enough for live progress and a prompt cancel. */
const ZERO_COPY_CHUNK = 16 << 20;

function seekError(errno: number, whence: string, pos: number): BlitError {
  return new BlitError("INTERNAL", `lseek ${whence} at ${pos} failed: errno ${errno}`, { errno });
}
