/**
 * When a store removes the stale temporaries of a directory it writes into (temp-lock.ts): on its
 * first write there, and again once {@link CLEAN_AGAIN_MS} passed (a daemon's store lives as long
 * as the daemon, so a directory is looked at again now and then).
 */
import { parentRel, type RelPath } from "../../domain/rel-path.ts";

/** A directory written into again after this long is checked for stale temporaries again. */
const CLEAN_AGAIN_MS = 60_000;
/** Directories remembered at most (then the memory starts afresh: a few extra cleanings). */
const CLEANED_MAX = 4096;

export class CleanSchedule {
  /** Directories whose stale temporaries were removed, and when (performance.now()). */
  private readonly cleaned = new Map<RelPath, number>();

  /** The directories of `paths` due for cleaning, marked as cleaned now. */
  due(paths: readonly RelPath[]): RelPath[] {
    const now = performance.now();
    const dirs = new Set<RelPath>();
    for (const p of paths) {
      const dir = parentRel(p);
      const at = this.cleaned.get(dir);
      if (at === undefined || now - at > CLEAN_AGAIN_MS) dirs.add(dir);
    }
    for (const d of dirs) this.mark(d);
    return [...dirs];
  }

  /** Notes that `dir` was cleaned now (a directory pass cleaned it itself). */
  mark(dir: RelPath): void {
    if (this.cleaned.size >= CLEANED_MAX) this.cleaned.clear();
    this.cleaned.set(dir, performance.now());
  }
}
