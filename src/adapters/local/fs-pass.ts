/**
 * The directory pass of the local adapter (DirectoryPasses.passDirectory): lists one directory at both ends,
 * plans it with the domain planner and copies a bounded first share of its files, all in one job on a worker
 * thread. A directory new at the destination is created by its own pass, under a temporary name (staged-dir.ts):
 * the pass writes its share there under final names and renames the directory into place before it returns. The
 * rest of the plan goes back to the engine, which does exactly what it would have done after listing and planning
 * itself.
 */
import * as fs from "node:fs";
import type { DirEntry } from "../../domain/entry.ts";
import { isBlitError } from "../../domain/errors.ts";
import { compileFilter, NO_FILTER_OPTIONS } from "../../domain/filter.ts";
import { planDirectory, type DirectoryPlan, type PlanOptions } from "../../domain/plan.ts";
import type { CopyMeter } from "./copy-meter.ts";
import { listDir, type ListResult } from "./fs-read.ts";
import { makeDirectory, writeEntry, type WriteJob } from "./fs-write.ts";
import { eachItem, type ItemResult } from "./item-result.ts";
import { discardStaged, stageDir, unstage, type StagedDir } from "./staged-dir.ts";
import { removeStaleTemporaries, temporariesIn } from "./temp-lock.ts";
import { hasDefaultAcl } from "./xattrs.ts";
import { absJoin, toOsPath } from "./os-path.ts";
import { toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export interface PassJob {
  readonly src: string;
  readonly dst: string;
  readonly rel: string;
  readonly destExists: boolean;
  /** The destination directory is new: this pass creates it (staged-dir.ts when it can). */
  readonly create: boolean;
  /** Remove the stale temporaries of the destination directory when this pass writes into it. */
  readonly clean: boolean;
  readonly plan: Omit<PlanOptions, "filter">;
  readonly dryRun: boolean;
  readonly resume: boolean;
}

export interface PassResult {
  readonly sourceError?: WireError;
  /** The destination directory could not be created (nothing else is set). */
  readonly destError?: WireError;
  readonly sourceFailures: ListResult["failures"];
  readonly destDirs: DirEntry[] | null;
  readonly plan: DirectoryPlan;
  readonly skippedLeaves: number;
  readonly written: { entry: DirEntry; result: ItemResult }[];
  /** The destination directory's stale temporaries were removed (or it is new). */
  readonly cleaned: boolean;
}

/** The share of a directory's files one pass copies; the rest is batched by the engine. */
const PASS_FILES = 256;
const PASS_BYTES = 32 << 20;
const NO_FILTER = compileFilter(NO_FILTER_OPTIONS);
const EMPTY_PLAN: DirectoryPlan = { send: [], hashCheck: [], skip: [], fixMeta: [], descend: [], delete: [], prune: [], replaceDirs: [], special: [], prior: [] };
const NOTHING: PassResult = { sourceFailures: [], destDirs: null, plan: EMPTY_PLAN, skippedLeaves: 0, written: [], cleaned: false };
const NOTHING_WRITTEN = { bytes: 0, zeroCopyBytes: 0 };

export function passDirectory(job: PassJob, buf: Buffer, meter: CopyMeter): PassResult {
  const create = job.create && !job.dryRun;
  let source: ListResult;
  try {
    source = listDir(job.src);
  } catch (e) {
    const sourceError = toWireError(isBlitError(e) ? e : toBlitError(e, job.src, "list"));
    // The new directory is still made (empty), as rsync makes it.
    if (create) eachItem(() => (makeDirectory(job.dst), NOTHING_WRITTEN), job.dst);
    return { ...NOTHING, sourceError };
  }
  const dest = job.destExists ? listDestination(job) : null;
  const plan = planDirectory(job.rel, source.entries, dest, { ...job.plan, filter: NO_FILTER });
  let staged: StagedDir | null = null;
  if (create) {
    const made = createDestination(job.dst);
    if ("error" in made) return { ...NOTHING, destError: made.error };
    staged = made.staged;
  }
  // A directory this pass created has no temporaries; one that gets new files or subdirectories is cleaned first.
  const cleaned = job.clean && !job.dryRun && (create || (dest !== null && (plan.send.length > 0 || plan.descend.some((d) => !d.destExists))));
  if (cleaned && !create) removeStaleTemporaries(job.dst, temporariesIn(toOsPath(job.dst)));
  const into = staged?.path ?? job.dst;
  const freshParent = !job.destExists && !job.dryRun && inheritsOwnIds(into) && (staged === null || !hasDefaultAcl(staged.fd));
  const written: PassResult["written"] = [];
  const rest: DirEntry[] = [];
  let bytes = 0;
  for (const entry of plan.send) {
    // A name of an inode with other names is the engine's to write or link (its hard-link table sees every one).
    if (job.dryRun || entry.meta.inode !== undefined || written.length >= PASS_FILES || bytes + entry.meta.size > PASS_BYTES) {
      rest.push(entry);
      continue;
    }
    bytes += entry.meta.size;
    const write: WriteJob = { dst: absJoin(into, entry.name), src: absJoin(job.src, entry.name), meta: entry.meta, resume: job.resume, freshParent, staged: staged !== null };
    written.push({ entry, result: eachItem(() => writeEntry(write, buf, meter), absJoin(job.dst, entry.name)) });
  }
  if (staged !== null) {
    const error = intoPlace(staged, job.dst);
    if (error !== null) return { ...NOTHING, destError: error };
  }
  const destDirs = dest === null ? null : dest.filter((e) => e.meta.kind === "dir");
  // Skipped files are only counted by the engine: not cloning them back saves most of a no-op run. Names of an
  // inode with other names go back: a skipped one may still lead its hard links.
  const kept = plan.skip.filter((e) => e.meta.kind === "dir" || e.meta.inode !== undefined);
  const result = { sourceFailures: source.failures, destDirs, skippedLeaves: plan.skip.length - kept.length, written, cleaned };
  return { ...result, plan: { ...plan, send: rest, skip: kept } };
}

/**
 * Creates the new directory `dst`: staged when nothing is at its name yet (and libc can lock it), otherwise made
 * directly (an entry of another type in the way is replaced, as any new directory replaces one).
 */
function createDestination(dst: string): { staged: StagedDir | null } | { error: WireError } {
  try {
    if (fs.lstatSync(toOsPath(dst), { throwIfNoEntry: false }) === undefined) {
      const staged = tryStaging(dst);
      if (staged !== null) return { staged };
    }
    makeDirectory(dst);
    return { staged: null };
  } catch (e) {
    return { error: toWireError(isBlitError(e) ? e : toBlitError(e, dst, "create directory")) };
  }
}

/** A staged directory for `dst`, or null when one cannot be made (the caller makes `dst` itself and reports why not). */
function tryStaging(dst: string): StagedDir | null {
  try {
    return stageDir(dst);
  } catch {
    return null;
  }
}

/** Renames the staged directory to `dst`; on failure removes it (and what the pass wrote there) and returns why. */
function intoPlace(staged: StagedDir, dst: string): WireError | null {
  try {
    unstage(staged, dst);
    return null;
  } catch (e) {
    discardStaged(staged);
    return toWireError(toBlitError(e, dst, "create directory"));
  }
}

function listDestination(job: PassJob): DirEntry[] | null {
  try {
    return listDir(job.dst).entries;
  } catch (e) {
    if ((e as { code?: string }).code === "NOT_FOUND") return null;
    throw e;
  }
}

/** True when new files in `dir` get this process's uid and gid (no setgid bit, our group). */
function inheritsOwnIds(dir: string): boolean {
  try {
    const st = fs.statSync(toOsPath(dir));
    return (st.mode & 0o2000) === 0 && st.gid === process.getegid?.();
  } catch {
    return false;
  }
}
