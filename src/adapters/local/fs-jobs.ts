/** The jobs the local adapter runs off the main thread (or inline): one function per job kind. */
import * as fs from "node:fs";
import type { EntryMeta } from "../../domain/entry.ts";
import type { SnapshotStep } from "../../ports/store-capabilities.ts";
import { type BlitError, isBlitError } from "../../domain/errors.ts";
import { Beneath, openRoot, rootCurrent } from "./beneath.ts";
import { CopyMeter } from "./copy-meter.ts";
import { claimBeneath, claimDirectory } from "./destination-claim.ts";
import { passDirectory, type PassJob, type PassResult } from "./fs-pass.ts";
import { eachItem, type ItemResult } from "./item-result.ts";
import { readWhole, type ReadWholeJob, type ReadWholeResult } from "./fs-read-whole.ts";
import { blockHashesOf, hashFile, listDir, statPath, type ListResult } from "./fs-read.ts";
import { applyMeta, removeEntry, writeEntry, type WriteJob, type WriteOutcome } from "./fs-write.ts";
import { newWriteJob } from "./fidelity-write.ts";
import { linkInPlace, type LinkOutcome } from "./hard-link.ts";
import { syncFs } from "./libc.ffi.ts";
import { openRegular } from "./open-regular.ts";
import { runSnapshotSteps, snapshotItems, type SnapshotItem } from "./snapshot-steps.ts";
import { removeStaleTemporaries, temporariesIn } from "./temp-lock.ts";
import { toOsPath } from "./os-path.ts";
import { fromWireError, toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export type { ItemResult };

/** The outcome of one hard link of a "link" job. */
export type LinkItem = LinkOutcome | { error: WireError };

/**
 * One unit of work. Paths are absolute, or with `root` (a directory descriptor of a contained
 * store) relative to it and resolved through beneath.ts.
 */
export type Job = (
  | { op: "list"; abs: string }
  | { op: "cleanTemps"; dirs: string[] }
  | { op: "claim"; abs: string; exclusive: boolean; shown: string; rootAbs: string }
  | { op: "stat"; abs: string }
  | { op: "write"; jobs: WriteJob[]; meter: SharedArrayBuffer }
  | { op: "meta"; entries: { abs: string; meta: EntryMeta }[] }
  | { op: "remove"; paths: string[]; recursive: boolean }
  | { op: "link"; links: { dst: string; leader: string }[] }
  | { op: "hash"; abs: string }
  | { op: "blockHashes"; abs: string }
  | { op: "sync"; abs: string }
  | { op: "pass"; pass: PassJob; meter: SharedArrayBuffer }
  | { op: "readWhole"; whole: ReadWholeJob }
  | { op: "open"; abs: string }
  | { op: "openRoot"; abs: string }
  | { op: "rootCheck"; fd: number; abs: string }
  | { op: "pread"; fd: number; offset: number; length: number; name: string }
  | { op: "snapshot"; storeRoot: string; contained: boolean; steps: SnapshotStep[] }
) & { root?: number; bufferBytes?: number };

export type JobResult = SnapshotItem[] | PassResult | ReadWholeResult | ListResult | EntryMeta | null | ItemResult[] | LinkItem[] | Uint8Array | { errno: number } | { fd: number } | { fds: number[] } | { current: boolean };

/** Per-thread scratch buffer for buffered copies and hashing (resized to a job's bufferBytes). */
let BUF = Buffer.allocUnsafe(4 << 20);
const MIN_BUFFER = 64 << 10;
const MAX_BUFFER = 64 << 20;

/** Runs one job synchronously. Whole-job failures throw BlitError; per-item failures are returned. */
export function runJob(job: Job): JobResult {
  if (job.bufferBytes !== undefined) {
    const size = Math.min(MAX_BUFFER, Math.max(MIN_BUFFER, job.bufferBytes));
    if (size !== BUF.length) BUF = Buffer.allocUnsafe(size);
  }
  if (job.root === undefined) return run(job, PLAIN);
  const at = new Beneath(job.root);
  try {
    return run(job, at);
  } catch (e) {
    throw at.scrub(isBlitError(e) ? e : toBlitError(e, "", "process"));
  } finally {
    at.close();
  }
}

// --- internal ---

/** How job paths become OS paths: as given, or resolved beneath a root descriptor. */
interface Resolver {
  path(p: string): string;
  dir(p: string): string;
  scrub(e: BlitError): BlitError;
  readonly contained: boolean;
}

const PLAIN: Resolver = { path: (p) => p, dir: (p) => p, scrub: (e) => e, contained: false };

/** lstat of a path; null when it or a parent directory does not exist (as lstat says for a plain path). */
function statBeneath(path: string, at: Resolver): EntryMeta | null {
  let os: string;
  try {
    os = at.path(path);
  } catch (e) {
    if (isBlitError(e) && e.code === "NOT_FOUND") return null;
    throw e;
  }
  return statPath(os);
}

function run(job: Job, at: Resolver): JobResult {
  switch (job.op) {
    case "list": {
      const r = listDir(at.dir(job.abs));
      if (!at.contained) return r;
      return { entries: r.entries, failures: r.failures.map((f) => ({ name: f.name, error: toWireError(at.scrub(fromWireError(f.error))) })) };
    }
    case "cleanTemps":
      return { errno: cleanTemporaries(job.dirs, at) };
    case "claim":
      if (!at.contained) return { fds: claimDirectory(job.abs, job.exclusive, job.shown) };
      return { fds: claimBeneath(job.rootAbs, job.abs, (rel) => at.dir(rel), job.exclusive, job.shown) };
    case "stat":
      return statBeneath(job.abs, at);
    case "write": {
      newWriteJob();
      const meter = new CopyMeter(job.meter);
      return job.jobs.map((j) => eachItem(() => writeEntry(at.contained ? { ...j, dst: at.path(j.dst) } : j, BUF, meter), j.dst, (e) => at.scrub(e)));
    }
    case "meta":
      return job.entries.map((d) =>
        eachItem(
          () => {
            const losses = applyMeta(at.path(d.abs), d.meta);
            return losses === undefined ? NONE : { ...NONE, losses };
          },
          d.abs,
          (e) => at.scrub(e),
        ),
      );
    case "link":
      return job.links.map((l) => linkItem(at.path(l.leader), at.path(l.dst), l.dst, at));
    case "remove":
      return job.paths.map((p) => eachItem(() => (removeEntry(at.path(p), job.recursive, at.contained), NONE), p, (e) => at.scrub(e)));
    case "hash":
      return hashFile(at.path(job.abs), BUF);
    case "blockHashes":
      return blockHashesOf(at.path(job.abs), BUF);
    case "sync":
      return { errno: syncDir(at.dir(job.abs)) };
    case "pass":
      newWriteJob();
      return passDirectory(job.pass, BUF, new CopyMeter(job.meter));
    case "snapshot":
      // Paths below the store's root, checked there (snapshot-steps.ts); copies across filesystems can be long.
      return snapshotItems(runSnapshotSteps(job.storeRoot, job.contained, job.steps));
    case "readWhole":
      return readWhole(job.whole, (p) => at.path(p), (e) => at.scrub(e));
    case "pread": {
      const buf = new Uint8Array(job.length);
      let n = 0;
      try {
        for (let got = -1; got !== 0 && n < buf.length; n += got) got = fs.readSync(job.fd, buf, n, buf.length - n, job.offset + n);
      } catch (e) {
        throw toBlitError(e, job.name, "read");
      }
      return buf.subarray(0, n);
    }
    case "openRoot":
      return { fd: openRoot(job.abs) };
    case "rootCheck":
      return { current: rootCurrent(job.fd, job.abs) };
    case "open":
      try {
        return { fd: openRegular(toOsPath(at.path(job.abs))).fd };
      } catch (e) {
        throw toBlitError(e, job.abs, "read");
      }
  }
}

const NONE: WriteOutcome = { bytes: 0, zeroCopyBytes: 0 };

/** One hard link made (linkInPlace): "linked", "already-linked", or its error (UNSUPPORTED: the destination refuses). */
function linkItem(leader: string, dst: string, shown: string, at: Resolver): LinkItem {
  try {
    return linkInPlace(leader, dst);
  } catch (e) {
    return { error: toWireError(at.scrub(isBlitError(e) ? e : toBlitError(e, shown, "link"))) };
  }
}

/** Removes the stale temporaries of each directory (those missing are skipped); returns 0. */
function cleanTemporaries(dirs: readonly string[], at: Resolver): number {
  for (const d of dirs) {
    let dir: string;
    try {
      dir = at.dir(d);
    } catch {
      continue;
    }
    removeStaleTemporaries(dir, temporariesIn(toOsPath(dir)));
  }
  return 0;
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
