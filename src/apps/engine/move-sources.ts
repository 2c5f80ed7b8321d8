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
 */
export async function removeMovedSources(roots: OpenedRoots, plan: PlanOptions, deps: EngineDeps, stats: RunStats): Promise<void> {
  if (roots.mode === "file") {
    const [src, dst] = await Promise.all([roots.source.stat(roots.sourceName), roots.dest.stat(roots.destName)]);
    if (src !== null && dst !== null && sameEntry(src, dst)) await removeOrFail(roots.source, [roots.sourceName], stats, deps, false);
    return;
  }
  const empty = await drainDir(roots.source, roots.dest, "", plan, deps, stats);
  if (empty && !roots.sourceContentsOnly) await removeOrFail(roots.source, [""], stats, deps, true);
}

// --- internal ---

/** Removes what landed below `dir`; true when `dir` is left empty. */
async function drainDir(src: Store, dst: Store, dir: RelPath, plan: PlanOptions, deps: EngineDeps, stats: RunStats): Promise<boolean> {
  deps.signal.throwIfAborted();
  const [source, dest] = await Promise.all([src.list(dir), dst.list(dir).catch(() => null)]);
  if (dest === null) return false;
  const there = new Map<string, DirEntry>(dest.entries.map((e) => [e.name, e]));
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
  if (landed.length > 0) kept += await removeOrFail(src, landed, stats, deps, false);
  for (const sub of subdirs) {
    const empty = await drainDir(src, dst, sub, plan, deps, stats);
    kept += empty ? await removeOrFail(src, [sub], stats, deps, true) : 1;
  }
  return kept === 0;
}

/**
 * Removes paths, counting each removed one and reporting it (a `remove` item; the source root
 * itself is shown as `.`); returns how many stayed. A non-empty directory staying is not a failure.
 */
async function removeOrFail(store: Store, paths: RelPath[], stats: RunStats, deps: EngineDeps, dirs: boolean): Promise<number> {
  let stayed = 0;
  for (const r of await store.remove(paths, { onlyEmptyDirs: true })) {
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
