/** The jobs the local adapter runs off the main thread (or inline): one function per job kind. */
import * as fs from "node:fs";
import type { EntryMeta } from "../../domain/entry.ts";
import { isBlitError } from "../../domain/errors.ts";
import { CopyMeter } from "./copy-meter.ts";
import { hashFile, listDir, statPath, type ListResult } from "./fs-read.ts";
import { applyMeta, removeEntry, writeEntry, type WriteJob, type WriteOutcome } from "./fs-write.ts";
import { syncFs } from "./libc.ffi.ts";
import { toOsPath } from "./os-path.ts";
import { toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export type ItemResult = WriteOutcome | { error: WireError };

export type Job =
  | { op: "list"; abs: string; clean: boolean }
  | { op: "stat"; abs: string }
  | { op: "write"; jobs: WriteJob[]; meter: SharedArrayBuffer }
  | { op: "meta"; entries: { abs: string; meta: EntryMeta }[] }
  | { op: "remove"; paths: string[]; recursive: boolean }
  | { op: "hash"; abs: string }
  | { op: "sync"; abs: string };

export type JobResult = ListResult | EntryMeta | null | ItemResult[] | Uint8Array | { errno: number };

/** Per-thread scratch buffer for buffered copies and hashing. */
const BUF = Buffer.allocUnsafe(4 << 20);

/** Runs one job synchronously. Whole-job failures throw BlitError; per-item failures are returned. */
export function runJob(job: Job): JobResult {
  switch (job.op) {
    case "list":
      return listDir(job.abs, job.clean);
    case "stat":
      return statPath(job.abs);
    case "write": {
      const meter = new CopyMeter(job.meter);
      return job.jobs.map((j) => each(() => writeEntry(j, BUF, meter), j.dst));
    }
    case "meta":
      return job.entries.map((d) => each(() => (applyMeta(d.abs, d.meta), NONE), d.abs));
    case "remove":
      return job.paths.map((p) => each(() => (removeEntry(p, job.recursive), NONE), p));
    case "hash":
      return hashFile(job.abs, BUF);
    case "sync":
      return { errno: syncDir(job.abs) };
  }
}

// --- internal ---
const NONE: WriteOutcome = { bytes: 0, zeroCopyBytes: 0 };

function each(fn: () => WriteOutcome, path: string): ItemResult {
  try {
    return fn();
  } catch (e) {
    return { error: toWireError(isBlitError(e) ? e : toBlitError(e, path, "write")) };
  }
}

function syncDir(abs: string): number {
  const fd = fs.openSync(toOsPath(abs), fs.constants.O_RDONLY);
  try {
    const err = syncFs(fd);
    if (err !== -1) return err;
    fs.fsyncSync(fd);
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}
