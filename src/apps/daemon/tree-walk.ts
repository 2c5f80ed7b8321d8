import type { EntryMeta } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import { compareNames, joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { UsageRow } from "../../ports/control.ts";
import type { Store } from "../../ports/store.ts";

/** An entry met by a walk: its path below the start and its depth (1 = a child of the start). */
export interface Visited {
  readonly path: RelPath;
  readonly rel: RelPath;
  readonly meta: EntryMeta;
  readonly depth: number;
}

/**
 * Every entry below directory `start` of `store`, depth first, names in byte order, never through
 * a symlink. Memory holds one listing per level. Unreadable subdirectories are skipped (their
 * entries are simply not visited); aborting `signal` stops the walk with CANCELLED.
 */
export async function* walkTree(store: Store, start: RelPath, signal: AbortSignal): AsyncGenerator<Visited> {
  yield* walkDir(store, start, "", 1, signal);
}

/**
 * `du`: totals per directory below `start`, deepest first, for directories up to `maxDepth` levels
 * down; the last row is `start` itself (depth 0).
 */
export async function* usageRows(store: Store, start: RelPath, maxDepth: number, signal: AbortSignal): AsyncGenerator<UsageRow> {
  const totals = yield* usageOf(store, start, "", 0, maxDepth, signal);
  yield { path: "", ...totals, depth: 0 };
}

// --- internal ---

interface Totals {
  bytes: number;
  files: number;
  dirs: number;
}

async function* walkDir(store: Store, dir: RelPath, rel: RelPath, depth: number, signal: AbortSignal): AsyncGenerator<Visited> {
  for (const entry of await listSorted(store, dir, signal, depth > 1)) {
    const child = { path: joinRel(dir, entry.name), rel: joinRel(rel, entry.name), meta: entry.meta, depth };
    yield child;
    if (entry.meta.kind === "dir") yield* walkDir(store, child.path, child.rel, depth + 1, signal);
  }
}

async function* usageOf(
  store: Store,
  dir: RelPath,
  rel: RelPath,
  depth: number,
  maxDepth: number,
  signal: AbortSignal,
): AsyncGenerator<UsageRow, Totals> {
  const totals: Totals = { bytes: 0, files: 0, dirs: 0 };
  for (const entry of await listSorted(store, dir, signal, depth > 0)) {
    if (entry.meta.kind !== "dir") {
      totals.files++;
      totals.bytes += entry.meta.kind === "file" ? entry.meta.size : 0;
      continue;
    }
    const childRel = joinRel(rel, entry.name);
    const sub = yield* usageOf(store, joinRel(dir, entry.name), childRel, depth + 1, maxDepth, signal);
    if (depth + 1 <= maxDepth) yield { path: childRel, ...sub, depth: depth + 1 };
    totals.bytes += sub.bytes;
    totals.files += sub.files;
    totals.dirs += sub.dirs + 1;
  }
  return totals;
}

/** A directory's entries in byte order of their names; a failed listing below the start is empty. */
async function listSorted(store: Store, dir: RelPath, signal: AbortSignal, tolerant: boolean) {
  if (signal.aborted) throw new BlitError("CANCELLED", "the walk was cancelled");
  try {
    const listing = await store.list(dir, signal);
    return [...listing.entries].sort((a, b) => compareNames(a.name, b.name));
  } catch (e) {
    if (tolerant && !signal.aborted) return [];
    throw e;
  }
}
