import { compareEntry } from "./compare.ts";
import type { DirEntry } from "./entry.ts";
import type { Filter } from "./filter.ts";
import { compareNames, joinRel, type RelPath } from "./rel-path.ts";
import { isTemporaryName } from "./temp-name.ts";

/** How a source file is compared with the destination's (SPEC §3 "Compare"). */
export type CompareMode = "quick" | "checksum" | "size-only" | "ignore-times";

export interface PlanOptions {
  readonly compare: CompareMode;
  /** Never touch a destination entry that already exists. */
  readonly ignoreExisting: boolean;
  /** Plan deletions of destination entries absent from the filtered source. */
  readonly mirror: boolean;
  readonly filter: Filter;
  /** mtime comparison granularity in ns: 1n when both sides keep ns, else the coarser one. */
  readonly mtimeGranularityNs: bigint;
}

/** What to do in one directory; names are relative to `dir`. */
export interface DirectoryPlan {
  /** Files and symlinks to write (new, changed, or replacing another kind). */
  readonly send: readonly DirEntry[];
  /** Checksum mode: same size at both ends; send only if content hashes differ. */
  readonly hashCheck: readonly DirEntry[];
  /** Entries proven identical by the compare mode (or kept by --ignore-existing). */
  readonly skip: readonly DirEntry[];
  /** Source subdirectories to walk; `destExists` false means the whole subtree is new. */
  readonly descend: readonly DescendStep[];
  /** Destination entries a mirror deletes (absent from the source, inside the filter scope). */
  readonly delete: readonly DirEntry[];
  /** Destination directories that a non-directory source entry replaces: removed before the write,
   * so only when deletions are allowed (mirror) — in a copy they are failures. */
  readonly replaceDirs: readonly DirEntry[];
  /** FIFOs, sockets and devices in the source: skipped with one warning each. */
  readonly special: readonly DirEntry[];
}

/** One source subdirectory to walk. */
export interface DescendStep {
  readonly entry: DirEntry;
  readonly destExists: boolean;
}

/**
 * Plans one directory (the Planner port of src/ports/planner.ts): pure, synchronous, one pass over
 * each listing, every list sorted by name in byte order so plans are deterministic.
 *
 * - Source entries outside `options.filter` are ignored entirely; an excluded directory is not
 *   descended into (its subtree is pruned). Blit temporaries (temp-name.ts) on either side are
 *   never in any list.
 * - A source `special` goes to `special` and is never sent.
 * - A source directory goes to `descend`, `destExists` true when the destination holds a directory
 *   of that name. When the destination holds a file or symlink there, `destExists` is false and the
 *   Store's mkdir replaces that entry with the directory; with `ignoreExisting` the directory is
 *   left alone instead (`skip`).
 * - A source file or symlink where the destination holds a directory goes to `replaceDirs` (the
 *   destination directory; the engine removes it in the deletion phase, then writes the source
 *   entry of the same name) and not to `send`; with `ignoreExisting` it goes to `skip`. Otherwise
 *   compare.ts decides `send`, `skip` or `hashCheck`.
 * - With `options.mirror`, a destination entry is deleted when no non-special source entry has its
 *   name and the entry itself is inside the filter scope (judged on its own path, kind and size), so
 *   a mirror never deletes what the filter leaves out. A source entry the filter leaves out still
 *   protects its name (e.g. a file kept out by --max-size is not deleted from the destination).
 *
 * `dest` is null when the destination directory does not exist.
 */
export function planDirectory(
  dir: RelPath,
  source: readonly DirEntry[],
  dest: readonly DirEntry[] | null,
  options: PlanOptions,
): DirectoryPlan {
  const { filter, ignoreExisting, mirror } = options;
  const destByName = indexByName(dest);
  const sourceNames = mirror && destByName !== null ? new Set<string>() : null;
  const send: DirEntry[] = [];
  const hashCheck: DirEntry[] = [];
  const skip: DirEntry[] = [];
  const descend: DescendStep[] = [];
  const replaceDirs: DirEntry[] = [];
  const special: DirEntry[] = [];
  for (const entry of source) {
    const { name, meta } = entry;
    if (isTemporaryName(name)) continue;
    if (meta.kind !== "special") sourceNames?.add(name);
    if (!filter.isEmpty && !filter.includes(joinRel(dir, name), meta.kind, meta.size)) continue;
    const existing = destByName?.get(name);
    if (meta.kind === "special") {
      special.push(entry);
    } else if (meta.kind === "dir") {
      const destIsDir = existing?.meta.kind === "dir";
      if (ignoreExisting && existing !== undefined && !destIsDir) skip.push(entry);
      else descend.push({ entry, destExists: destIsDir });
    } else if (existing?.meta.kind === "dir") {
      if (ignoreExisting) skip.push(entry);
      else replaceDirs.push(existing);
    } else {
      const decision = compareEntry(meta, existing === undefined ? null : existing.meta, options);
      (decision === "send" ? send : decision === "skip" ? skip : hashCheck).push(entry);
    }
  }
  const deletions = sourceNames === null || dest === null ? [] : planDeletions(dir, dest, sourceNames, filter);
  return {
    send: sortByName(send),
    hashCheck: sortByName(hashCheck),
    skip: sortByName(skip),
    descend: sortSteps(descend),
    delete: sortByName(deletions),
    replaceDirs: sortByName(replaceDirs),
    special: sortByName(special),
  };
}

export type { RelPath };

// --- internal ---

function indexByName(dest: readonly DirEntry[] | null): Map<string, DirEntry> | null {
  if (dest === null || dest.length === 0) return null;
  const byName = new Map<string, DirEntry>();
  for (const entry of dest) if (!isTemporaryName(entry.name)) byName.set(entry.name, entry);
  return byName;
}

function planDeletions(
  dir: RelPath,
  dest: readonly DirEntry[],
  sourceNames: ReadonlySet<string>,
  filter: Filter,
): DirEntry[] {
  const out: DirEntry[] = [];
  for (const entry of dest) {
    const { name, meta } = entry;
    if (sourceNames.has(name) || isTemporaryName(name)) continue;
    if (filter.isEmpty || filter.includes(joinRel(dir, name), meta.kind, meta.size)) out.push(entry);
  }
  return out;
}

const byEntryName = (a: DirEntry, b: DirEntry): number => compareNames(a.name, b.name);

/** Sorts in place unless already in byte order (listings usually are), and returns the array. */
function sortByName(list: DirEntry[]): DirEntry[] {
  for (let i = 1; i < list.length; i++) {
    if (byEntryName(list[i - 1]!, list[i]!) > 0) return list.sort(byEntryName);
  }
  return list;
}

function sortSteps(list: DescendStep[]): DescendStep[] {
  const byStepName = (a: DescendStep, b: DescendStep): number => byEntryName(a.entry, b.entry);
  for (let i = 1; i < list.length; i++) {
    if (byStepName(list[i - 1]!, list[i]!) > 0) return list.sort(byStepName);
  }
  return list;
}
