/** Whole small files read in one job (a pool thread), their bytes in one buffer that moves back without a copy. */
import * as fs from "node:fs";
import type { BlitError } from "../../domain/errors.ts";
import { changedSince } from "./open-file.ts";
import { openRegular } from "./open-regular.ts";
import { toOsPath } from "./os-path.ts";
import { toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export interface ReadWholeJob {
  readonly paths: string[];
  /** Files larger than this are not read (their length is TOO_LARGE). */
  readonly maxBytes: number;
}

/** A file that was larger than `maxBytes`: the caller streams it instead. */
export const TOO_LARGE = -1;
/** A file that could not be read: its error is in `errors`. */
export const FAILED = -2;

export interface ReadWholeResult {
  readonly kind: "whole";
  /** Every read file's bytes, one after the other in path order (offsets: the sum of earlier lengths ≥ 0). */
  readonly buffer: ArrayBuffer;
  /** Per path: its byte count in `buffer`, TOO_LARGE or FAILED. */
  readonly lengths: number[];
  readonly errors: (WireError | null)[];
  /** Indexes of files that changed while they were read (size, mtime or ctime before ≠ after). */
  readonly changed: number[];
}

/**
 * Opens every file (never following a final symlink, never blocking, regular files only), sizes the buffer from fstat, then reads
 * each whole. A file that grew after its fstat keeps the size it had then (the next run sees the
 * change, as with any file modified during a copy); one that shrank is sent as it is now.
 */
export function readWhole(job: ReadWholeJob, resolve: (p: string) => string, scrub: (e: BlitError) => BlitError): ReadWholeResult {
  const n = job.paths.length;
  const fds: number[] = new Array(n).fill(-1);
  const lengths: number[] = new Array(n).fill(FAILED);
  const errors: (WireError | null)[] = new Array(n).fill(null);
  const stats: (fs.BigIntStats | null)[] = new Array(n).fill(null);
  const changed: number[] = [];
  const fail = (i: number, e: unknown, action: string) => {
    errors[i] = toWireError(scrub(toBlitError(e, job.paths[i]!, action)));
    lengths[i] = FAILED;
  };
  let total = 0;
  try {
    for (let i = 0; i < n; i++) {
      try {
        const { fd, size, stats: opened } = openRegular(toOsPath(resolve(job.paths[i]!)), true);
        stats[i] = opened;
        if (size > job.maxBytes) {
          fs.closeSync(fd);
          lengths[i] = TOO_LARGE;
          continue;
        }
        fds[i] = fd;
        lengths[i] = size;
        total += size;
      } catch (e) {
        fail(i, e, "read");
      }
    }
    const buffer = new ArrayBuffer(total);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const fd = fds[i]!;
      if (fd < 0) continue;
      const want = lengths[i]!;
      try {
        const view = new Uint8Array(buffer, at, want);
        let got = 0;
        for (let r = -1; r !== 0 && got < want; got += r) r = fs.readSync(fd, view, got, want - got, got);
        lengths[i] = got;
        at += got;
        if (changedSince(stats[i]!, fs.fstatSync(fd, { bigint: true }))) changed.push(i);
      } catch (e) {
        fail(i, e, "read");
      }
    }
    return { kind: "whole", buffer, lengths, errors, changed };
  } finally {
    for (const fd of fds) if (fd >= 0) fs.closeSync(fd);
  }
}

