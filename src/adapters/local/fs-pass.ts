/**
 * The directory pass of the local adapter (DirectoryPasses.passDirectory): lists one directory at both ends,
 * plans it with the domain planner, creates its new subdirectories and copies a bounded first
 * share of its files, all in one job on a worker thread. The rest of the plan goes back to the
 * engine, which does exactly what it would have done after listing and planning itself.
 */
import * as fs from "node:fs";
import type { DirEntry } from "../../domain/entry.ts";
import { isBlitError } from "../../domain/errors.ts";
import { compileFilter, NO_FILTER_OPTIONS } from "../../domain/filter.ts";
import { planDirectory, type DirectoryPlan, type PlanOptions } from "../../domain/plan.ts";
import type { CopyMeter } from "./copy-meter.ts";
import { listDir, type ListResult } from "./fs-read.ts";
import { writeEntry } from "./fs-write.ts";
import { eachItem, type ItemResult } from "./item-result.ts";
import { removeStaleTemporaries, temporariesIn } from "./temp-lock.ts";
import { absJoin, toOsPath } from "./os-path.ts";
import { toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export interface PassJob {
  readonly src: string;
  readonly dst: string;
  readonly rel: string;
  readonly destExists: boolean;
  /** Remove the stale temporaries of the destination directory when this pass writes into it. */
  readonly clean: boolean;
  readonly plan: Omit<PlanOptions, "filter">;
  readonly dryRun: boolean;
  readonly resume: boolean;
}

export interface PassResult {
  readonly sourceError?: WireError;
  readonly sourceFailures: ListResult["failures"];
  readonly destDirs: DirEntry[] | null;
  readonly plan: DirectoryPlan;
  readonly skippedLeaves: number;
  readonly written: { entry: DirEntry; result: ItemResult }[];
  readonly subdirsCreated: boolean;
  readonly subdirFailures: { name: string; result: ItemResult }[];
  /** The destination directory's stale temporaries were removed. */
  readonly cleaned: boolean;
}

/** The share of a directory's files one pass copies; the rest is batched by the engine. */
const PASS_FILES = 256;
const PASS_BYTES = 32 << 20;
const NO_FILTER = compileFilter(NO_FILTER_OPTIONS);
const EMPTY_PLAN: DirectoryPlan = { send: [], hashCheck: [], skip: [], fixMeta: [], descend: [], delete: [], prune: [], replaceDirs: [], special: [], prior: [] };

export function passDirectory(job: PassJob, buf: Buffer, meter: CopyMeter): PassResult {
  let source: ListResult;
  try {
    source = listDir(job.src);
  } catch (e) {
    const error = toWireError(isBlitError(e) ? e : toBlitError(e, job.src, "list"));
    return { sourceError: error, sourceFailures: [], destDirs: null, plan: EMPTY_PLAN, skippedLeaves: 0, written: [], subdirsCreated: false, subdirFailures: [], cleaned: false };
  }
  const dest = job.destExists ? listDestination(job) : null;
  const plan = planDirectory(job.rel, source.entries, dest, { ...job.plan, filter: NO_FILTER });
  const subdirFailures: PassResult["subdirFailures"] = [];
  const cleaned = job.clean && dest !== null && !job.dryRun && plan.send.length > 0;
  if (cleaned) removeStaleTemporaries(job.dst, temporariesIn(toOsPath(job.dst)));
  if (!job.dryRun) {
    for (const d of plan.descend) {
      if (d.destExists) continue;
      const result = eachItem(() => writeEntry({ dst: absJoin(job.dst, d.entry.name), meta: d.entry.meta }, buf, meter), d.entry.name);
      if ("error" in result) subdirFailures.push({ name: d.entry.name, result });
    }
  }
  const written: PassResult["written"] = [];
  const rest: DirEntry[] = [];
  const freshParent = !job.destExists && !job.dryRun && inheritsOwnIds(job.dst);
  let bytes = 0;
  for (const entry of plan.send) {
    // A name of an inode with other names is the engine's to write or link (its hard-link table sees every one).
    if (job.dryRun || entry.meta.inode !== undefined || written.length >= PASS_FILES || bytes + entry.meta.size > PASS_BYTES) {
      rest.push(entry);
      continue;
    }
    bytes += entry.meta.size;
    const write = { dst: absJoin(job.dst, entry.name), src: absJoin(job.src, entry.name), meta: entry.meta, resume: job.resume, freshParent };
    written.push({ entry, result: eachItem(() => writeEntry(write, buf, meter), write.dst) });
  }
  const destDirs = dest === null ? null : dest.filter((e) => e.meta.kind === "dir");
  // Skipped files are only counted by the engine: not cloning them back saves most of a no-op run. Names of an
  // inode with other names go back: a skipped one may still lead its hard links.
  const kept = plan.skip.filter((e) => e.meta.kind === "dir" || e.meta.inode !== undefined);
  const result = { sourceFailures: source.failures, destDirs, skippedLeaves: plan.skip.length - kept.length, written, subdirsCreated: !job.dryRun, subdirFailures, cleaned };
  return { ...result, plan: { ...plan, send: rest, skip: kept } };
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
