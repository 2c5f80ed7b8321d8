import type { DirEntry, EntryMeta } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import type { PlanOptions } from "../../domain/plan.ts";
import { joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { Store } from "../../ports/store.ts";
import type { EngineDeps } from "./engine-deps.ts";
import type { OpenedRoots } from "./open-roots.ts";
import type { RunStats } from "./run-stats.ts";

/**
 * The last step of a move, run only after every entry landed and the destination is durable:
 * removes each in-scope source file or symlink whose destination copy is identical now (checked
 * again, so nothing changed since the copy is lost), then the source directories left empty.
 * Filtered-out and special entries stay. A `dir/` source keeps its root directory.
 * A dry run removes nothing: it names and counts what a move would remove once everything landed.
 */
export async function removeMovedSources(roots: OpenedRoots, plan: PlanOptions, deps: EngineDeps, stats: RunStats, dryRun = false): Promise<void> {
  const run: Removal = { deps, stats, dryRun };
  if (roots.mode === "file") {
    const [src, dst] = await Promise.all([roots.source.stat(roots.sourceName), dryRun ? null : roots.dest.stat(roots.destName)]);
    if (src !== null && (dryRun ? src.kind !== "special" : dst !== null && sameEntry(src, dst))) await removeOrFail(roots.source, [roots.sourceName], run, false);
    return;
  }
  const empty = await drainDir(roots.source, roots.dest, "", plan, run);
  if (empty && !roots.sourceContentsOnly) await removeOrFail(roots.source, [""], run, true);
}

// --- internal ---

interface Removal {
  readonly deps: EngineDeps;
  readonly stats: RunStats;
  readonly dryRun: boolean;
}

/** Removes what landed below `dir`; true when `dir` is left empty. */
async function drainDir(src: Store, dst: Store, dir: RelPath, plan: PlanOptions, run: Removal): Promise<boolean> {
  run.deps.signal.throwIfAborted();
  const [source, dest] = await Promise.all([src.list(dir), run.dryRun ? null : dst.list(dir).catch(() => null)]);
  if (dest === null && !run.dryRun) return false;
  // A dry run wrote nothing: every entry it would send or keep counts as landed.
  const there = new Map<string, DirEntry>((dest ?? source).entries.map((e) => [e.name, e]));
  let kept = source.failures.length;
  const landed: RelPath[] = [];
  const subdirs: RelPath[] = [];
  for (const e of source.entries) {
    const path = joinRel(dir, e.name);
    const other = there.get(e.name);
    if (!plan.filter.includes(path, e.meta.kind, e.meta.size) || other === undefined || e.meta.kind === "special") kept++;
    else if (e.meta.kind === "dir") subdirs.push(path);
    else if (sameEntry(e.meta, other.meta)) landed.push(path);
    else kept++;
  }
  if (landed.length > 0) kept += await removeOrFail(src, landed, run, false);
  for (const sub of subdirs) {
    const empty = await drainDir(src, dst, sub, plan, run);
    kept += empty ? await removeOrFail(src, [sub], run, true) : 1;
  }
  return kept === 0;
}

/**
 * Removes paths, counting each removed one and reporting it (a `remove` item; the source root
 * itself is shown as `.`); returns how many stayed. A non-empty directory staying is not a failure.
 */
async function removeOrFail(store: Store, paths: RelPath[], run: Removal, dirs: boolean): Promise<number> {
  const { stats, deps } = run;
  let stayed = 0;
  const results = run.dryRun ? paths.map((path) => ({ path, error: undefined })) : await store.remove(paths, { onlyEmptyDirs: true });
  for (const r of results) {
    if (r.error === undefined) {
      stats.sourcesRemoved++;
      deps.reporter.item("remove", r.path === "" ? "." : r.path);
      continue;
    }
    stayed++;
    if (!(dirs && r.error.code === "ALREADY_EXISTS")) stats.fail(r.path, new BlitError(r.error.code, `moved, but the source could not be removed: ${r.error.message}`, { path: r.path }));
  }
  return stayed;
}

function sameEntry(a: EntryMeta, b: EntryMeta): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "symlink") return a.linkTarget === b.linkTarget;
  return a.size === b.size && a.mtimeNs === b.mtimeNs;
}
