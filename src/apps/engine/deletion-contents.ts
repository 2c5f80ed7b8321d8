import { compareNames, depthRel, joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { Store } from "../../ports/store.ts";

/**
 * What deleting each of `dirs` removes besides the directory itself: every entry below it in
 * `store`, deepest first (the order they go), so --max-delete, the mirror prompt, the summary and
 * the -v/-n lines count and name each one, as rsync does. An entry that cannot be listed counts
 * as one; a directory that is gone has no contents. The directories found are added to `subdirs`.
 */
export async function contentsOf(store: Store, dirs: readonly RelPath[], signal: AbortSignal, subdirs?: Set<RelPath>): Promise<Map<RelPath, RelPath[]>> {
  const out = new Map<RelPath, RelPath[]>();
  for (const dir of dirs) out.set(dir, await below(store, dir, signal, subdirs));
  return out;
}

/**
 * The directories of `pruned` (extraneous destination directories of a filtered mirror) that
 * deleting `deleted` would leave empty, deepest first: what a dry run counts as the real run's
 * removal of emptied directories. A directory holding anything else (an entry the filter keeps,
 * one that cannot be read, a directory that stays) is not emptied, nor are its ancestors.
 */
export async function emptiedBy(store: Store, pruned: readonly RelPath[], deleted: readonly RelPath[], signal: AbortSignal): Promise<RelPath[]> {
  const gone = new Set(deleted);
  const out: RelPath[] = [];
  for (const dir of [...pruned].sort((a, b) => depthRel(b) - depthRel(a) || compareNames(a, b))) {
    signal.throwIfAborted();
    const listing = await store.list(dir, signal).catch(() => null);
    if (listing === null || listing.failures.length > 0) continue;
    if (listing.entries.every((e) => gone.has(joinRel(dir, e.name)))) {
      gone.add(dir);
      out.push(dir);
    }
  }
  return out;
}

// --- internal ---

async function below(store: Store, root: RelPath, signal: AbortSignal, subdirs?: Set<RelPath>): Promise<RelPath[]> {
  const found: RelPath[] = [];
  const pending: RelPath[] = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    signal.throwIfAborted();
    const listing = await store.list(dir, signal).catch(() => null);
    if (listing === null) continue;
    for (const f of listing.failures) found.push(joinRel(dir, f.name));
    for (const e of listing.entries) {
      const path = joinRel(dir, e.name);
      found.push(path);
      if (e.meta.kind !== "dir") continue;
      pending.push(path);
      subdirs?.add(path);
    }
  }
  // Children before their parents (deepest first), then in byte order.
  return found.sort((a, b) => depthRel(b) - depthRel(a) || compareNames(a, b));
}
