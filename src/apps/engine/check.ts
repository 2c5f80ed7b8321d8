import type { DirEntry } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import { compileFilter } from "../../domain/filter.ts";
import { attributeDifference, mtimeGranularity } from "../../domain/compare.ts";
import { NO_FILTER_OPTIONS, type FilterOptions } from "../../domain/filter.ts";
import type { CompareMode, PlanOptions } from "../../domain/plan.ts";
import { displayName, joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { Store } from "../../ports/store.ts";
import type { EngineDeps } from "./engine-deps.ts";
import { openRoots } from "./open-roots.ts";
import type { CheckReport } from "./transfer-request.ts";

type Difference = CheckReport["differences"][number];

export interface CheckRequest {
  readonly source: string;
  readonly destination: string;
  readonly compare: CompareMode;
  readonly filter: FilterOptions;
}

/**
 * Compares two trees without changing anything (`blit check`); the same planner as mirror. Both
 * sides must exist: a missing source or destination is NOT_FOUND (exit 3), not a difference.
 *
 * One difference per path. A file or symlink the planner would write has a reason from
 * {@link reasonFor}; a kept file whose attributes a transfer would set (the plan's `fixMeta`, or a
 * `-c` file of equal content), and a directory present on both sides (the root is `.`), have the
 * first attribute that differs (domain/compare.ts attributeDifference: mode, mtime (files only),
 * xattrs, acls; owners are not compared). All of it comes from the two listings: no extra calls.
 */
export async function runCheck(req: CheckRequest, deps: EngineDeps): Promise<CheckReport> {
  const started = deps.now();
  const roots = await openRoots({ ...req, verb: "copy", ignoreExisting: false, dryRun: true, maxDelete: null, resume: false, maxThreads: null }, deps);
  await using _s = roots.source;
  await using _d = roots.dest;
  await using _peers = { [Symbol.asyncDispose]: () => roots.close() };
  if (!roots.destRootExists || (roots.mode === "file" && roots.destMeta === null)) {
    throw new BlitError("NOT_FOUND", `destination not found: ${displayName(req.destination)} (check compares two existing trees or files)`, { path: req.destination });
  }
  const plan: PlanOptions = {
    compare: req.compare,
    ignoreExisting: false,
    mirror: roots.mode === "tree",
    filter: compileFilter(req.filter ?? NO_FILTER_OPTIONS),
    mtimeGranularityNs: mtimeGranularity(roots.source.capabilities.nanosecondTimes, roots.dest.capabilities.nanosecondTimes),
    owners: false,
  };
  const out: Difference[] = [];
  let examined = 0;
  const rootDiffers = roots.mode === "tree" && roots.destRootMeta !== null ? attributeDifference(roots.sourceRootMeta, roots.destRootMeta, plan) : null;
  if (rootDiffers !== null) out.push({ path: ".", reason: rootDiffers });
  if (roots.mode === "file") {
    const src: DirEntry = { name: roots.destName, meta: roots.sourceRootMeta };
    const dst = roots.destMeta === null ? [] : [{ name: roots.destName, meta: roots.destMeta }];
    examined = 1;
    await diffDir(roots.source, roots.dest, "", [src], roots.destRootExists ? dst : null, plan, deps, out, roots.sourceName);
  } else {
    const pending: RelPath[] = [""];
    while (pending.length > 0) {
      deps.signal.throwIfAborted();
      const dir = pending.pop()!;
      const [s, d] = await Promise.all([roots.source.list(dir), dir === "" && !roots.destRootExists ? null : roots.dest.list(dir)]);
      examined += s.entries.filter((e) => e.meta.kind !== "dir").length;
      pending.push(...(await diffDir(roots.source, roots.dest, dir, s.entries, d?.entries ?? null, plan, deps, out, null)));
    }
  }
  return { source: req.source, destination: req.destination, files_examined: examined, differences: out, identical: out.length === 0, duration_ms: Math.round(deps.now() - started) };
}

// --- internal ---

/** Appends one directory's differences; returns the subdirectories present on both sides. */
async function diffDir(src: Store, dst: Store, dir: RelPath, source: readonly DirEntry[], dest: readonly DirEntry[] | null, plan: PlanOptions, deps: EngineDeps, out: Difference[], renamedFrom: string | null): Promise<RelPath[]> {
  const p = deps.planner.planDirectory(dir, source, dest, plan);
  const there = new Map((dest ?? []).map((e) => [e.name, e]));
  const add = (name: string, reason: Difference["reason"]) => out.push({ path: displayName(joinRel(dir, name)), reason });
  /** The attribute a transfer would set on kept entry `e` of both sides, if any. */
  const attributes = (e: DirEntry) => {
    const prior = there.get(e.name);
    const reason = prior === undefined ? null : attributeDifference(e.meta, prior.meta, plan);
    if (reason !== null) add(e.name, reason);
  };
  for (const e of p.send) add(e.name, reasonFor(e, there.get(e.name)));
  for (const e of p.fixMeta) attributes(e);
  for (const e of p.replaceDirs) add(e.name, "type");
  for (const e of p.delete) add(e.name, "extra");
  for (const e of p.hashCheck) {
    const path = joinRel(dir, e.name);
    const [a, b] = await Promise.all([src.hash(renamedFrom ?? path, deps.signal), dst.hash(path, deps.signal)]);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) add(e.name, "content");
    else attributes(e);
  }
  const subdirs: RelPath[] = [];
  for (const d of p.descend) {
    if (d.destExists) {
      subdirs.push(joinRel(dir, d.entry.name));
      attributes(d.entry);
    } else add(d.entry.name, there.has(d.entry.name) ? "type" : "missing");
  }
  return subdirs;
}

function reasonFor(src: DirEntry, dst: DirEntry | undefined): Difference["reason"] {
  if (dst === undefined) return "missing";
  if (dst.meta.kind !== src.meta.kind) return "type";
  if (src.meta.kind === "symlink") return "target";
  return src.meta.size !== dst.meta.size ? "size" : "mtime";
}
