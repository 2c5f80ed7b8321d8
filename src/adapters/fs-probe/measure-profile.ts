import { closeSync, constants, copyFileSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { BlitError } from "../../domain/errors.ts";
import type { FsProfile } from "../../domain/predictor.ts";
import { fsTypeOf } from "./fs-type.ts";

export interface MeasureOptions {
  /** Bytes written then read sequentially (default 64 MiB). */
  readonly seqBytes?: number;
  /** 4 KiB files created (default 2000). */
  readonly smallFiles?: number;
  readonly now: () => number;
  readonly at: string;
  /**
   * copy_file_range(2) from `fdIn` at `posIn` to `fdOut` at `posOut` (the local adapter's binding):
   * bytes copied, or a negative errno.
   */
  readonly copyFileRange: (fdIn: number, posIn: number, fdOut: number, posOut: number, length: number) => number;
}

const MIB = 1024 * 1024;

/**
 * Measures the filesystem holding `dir` in a temporary folder inside it (removed afterwards):
 * sequential write (with fsync) and read-back of one file in 1 MiB blocks, 4 KiB file creation
 * rate, whether copy_file_range and reflinks work there. The read-back may come from the page
 * cache, so it is an upper bound.
 */
export function measureProfile(dir: string, options: MeasureOptions): FsProfile {
  let scratch: string;
  try {
    scratch = mkdtempSync(join(dir, ".blit-profile-"));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new BlitError(code === "ENOENT" ? "NOT_FOUND" : "PERMISSION_DENIED", `cannot profile ${dir}: ${e instanceof Error ? e.message : String(e)} (give a writable directory)`, { path: dir });
  }
  try {
    const seqBytes = options.seqBytes ?? 64 * MIB;
    const big = join(scratch, "seq");
    const block = new Uint8Array(MIB).fill(0x5a);
    let t = options.now();
    const out = openSync(big, "w");
    for (let done = 0; done < seqBytes; done += MIB) writeSync(out, block);
    fsyncSync(out);
    closeSync(out);
    const writeSec = (options.now() - t) / 1000;
    t = options.now();
    const input = openSync(big, "r");
    while (readSync(input, block) > 0);
    closeSync(input);
    const readSec = (options.now() - t) / 1000;
    const files = options.smallFiles ?? 2000;
    const small = new Uint8Array(4096);
    t = options.now();
    for (let i = 0; i < files; i++) writeFileSync(join(scratch, `s${i}`), small);
    const createSec = (options.now() - t) / 1000;
    return {
      fs: fsTypeOf(dir),
      path: dir,
      seq_write_bps: Math.round(seqBytes / Math.max(writeSec, 1e-6)),
      seq_read_bps: Math.round(seqBytes / Math.max(readSec, 1e-6)),
      small_creates_per_sec: Math.round(files / Math.max(createSec, 1e-6)),
      copy_offload: copyOffloadWorks(options.copyFileRange, big, join(scratch, "cfr")),
      reflink: reflinkWorks(big, join(scratch, "ref")),
      measured_at: options.at,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// --- internal ---

function copyOffloadWorks(copyFileRange: MeasureOptions["copyFileRange"], from: string, to: string): boolean {
  const fdIn = openSync(from, "r");
  const fdOut = openSync(to, "w");
  try {
    return copyFileRange(fdIn, 0, fdOut, 0, MIB) > 0;
  } catch {
    return false;
  } finally {
    closeSync(fdIn);
    closeSync(fdOut);
  }
}

function reflinkWorks(from: string, to: string): boolean {
  try {
    copyFileSync(from, to, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  }
}
