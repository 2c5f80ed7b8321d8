import { attributesDiffer, compareEntry } from "./compare.ts";
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
  /** The destination keeps owners (running as root): differing uid/gid are fixed. */
  readonly owners: boolean;
  /**
   * Mirror --delete-excluded: deletions are judged by `scope` (the filter without its
   * include/exclude rules) instead of `filter`, and a source entry protects its name only when
   * `claims` (the rules alone) includes it, so what the rules leave out is deleted too.
   */
  readonly deleteExcluded?: { readonly scope: Filter; readonly claims: Filter };
}

/** What to do in one directory; names are relative to `dir`. */
export interface DirectoryPlan {
  /** Files and symlinks to write (new, changed, or replacing another kind). */
  readonly send: readonly DirEntry[];
  /** Checksum mode: same size at both ends; send only if content hashes differ. */
  readonly hashCheck: readonly DirEntry[];
  /** Entries proven identical by the compare mode (or kept by --ignore-existing). */
  readonly skip: readonly DirEntry[];
  /** Files in `skip` whose destination has other attributes (mode, mtime, owner):
   * set to the source's without copying data (not with --ignore-existing). */
  readonly fixMeta: readonly DirEntry[];
  /** Source subdirectories to walk; `destExists` false means the whole subtree is new. */
  readonly descend: readonly DescendStep[];
  /** Destination entries a mirror deletes (absent from the source, inside the filter scope). */
  readonly delete: readonly DirEntry[];
  /** Extraneous destination directories of a mirror with a filter: walked at the destination only
   * (their in-scope entries deleted, excluded ones kept), then removed only if that left them empty. */
  readonly prune: readonly DirEntry[];
  /** Source files and symlinks whose name the destination holds as a directory: that directory is
   * removed before the write, so only when deletions are allowed (mirror) — in a copy they are
   * failures. */
  readonly replaceDirs: readonly DirEntry[];
  /** FIFOs, sockets and devices in the source: skipped with one warning each. */
  readonly special: readonly DirEntry[];
  /** The destination entries that entries of `send`, `hashCheck` and `fixMeta` write over or
   * adjust, as they were (what -i compares), in no particular order. */
  readonly prior: readonly DirEntry[];
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
 *   engine removes that directory in the deletion phase, then writes the source entry) and not to
 *   `send`; with `ignoreExisting` it goes to `skip`. Otherwise
 *   compare.ts decides `send`, `skip` or `hashCheck`; a kept file whose attributes differ also goes
 *   to `fixMeta`.
 * - With `options.mirror`, a destination entry is deleted when no non-special source entry has its
 *   name and the entry itself is inside the filter scope (judged on its own path, kind and size), so
 *   a mirror never deletes what the filter leaves out. A source entry the filter leaves out still
 *   protects its name (e.g. a file kept out by --max-size is not deleted from the destination).
 *   When a filter is active, an extraneous destination directory goes to `prune` instead of
 *   `delete`: it may hold entries the filter protects, so it is emptied entry by entry.
 *   With `options.deleteExcluded` the include/exclude rules protect nothing (rsync's
 *   --delete-excluded): only --files-from and the size bounds limit what a mirror deletes.
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
  const { partner, claimed, sorted } = pairByName(source, dest);
  const send: DirEntry[] = [];
  const hashCheck: DirEntry[] = [];
  const skip: DirEntry[] = [];
  const fixMeta: DirEntry[] = [];
  const descend: DescendStep[] = [];
  const replaceDirs: DirEntry[] = [];
  const special: DirEntry[] = [];
  const prior: DirEntry[] = [];
  for (let i = 0; i < source.length; i++) {
    const entry = source[i]!;
    const { name, meta } = entry;
    if (isTemporaryName(name)) continue;
    if (!filter.isEmpty && !filter.includes(joinRel(dir, name), meta.kind, meta.size)) continue;
    const existing = partner[i];
    if (meta.kind === "special") {
      special.push(entry);
    } else if (meta.kind === "dir") {
      const destIsDir = existing?.meta.kind === "dir";
      if (ignoreExisting && existing !== undefined && !destIsDir) skip.push(entry);
      else descend.push({ entry, destExists: destIsDir });
    } else if (existing?.meta.kind === "dir") {
      if (ignoreExisting) skip.push(entry);
      else replaceDirs.push(entry);
    } else {
      const decision = compareEntry(meta, existing === undefined ? null : existing.meta, options);
      (decision === "send" ? send : decision === "skip" ? skip : hashCheck).push(entry);
      const fix = decision === "skip" && existing !== undefined && !ignoreExisting && attributesDiffer(meta, existing.meta, options);
      if (fix) fixMeta.push(entry);
      if (existing !== undefined && (decision !== "skip" || fix)) prior.push(existing);
    }
  }
  const deletions: DirEntry[] = [];
  const prune: DirEntry[] = [];
  if (mirror && dest !== null) {
    const ex = options.deleteExcluded;
    const unclaimed = ex === undefined ? null : new Set(source.filter((e) => !ex.claims.includes(joinRel(dir, e.name), e.meta.kind, e.meta.size)).map((e) => e.name));
    planDeletions(dir, dest, claimed, unclaimed, ex?.scope ?? filter, deletions, prune);
  }
  if (sorted) return { send, hashCheck, skip, fixMeta, descend, delete: deletions, prune, replaceDirs, special, prior };
  return {
    send: sortByName(send),
    hashCheck: sortByName(hashCheck),
    skip: sortByName(skip),
    fixMeta: sortByName(fixMeta),
    descend: descend.sort((a, b) => compareNames(a.entry.name, b.entry.name)),
    delete: sortByName(deletions),
    prune: sortByName(prune),
    replaceDirs: sortByName(replaceDirs),
    special: sortByName(special),
    prior,
  };
}

export type { RelPath };

// --- internal ---

interface Pairing {
  /** `partner[i]`: the destination entry with the name of `source[i]` (never a temporary). */
  readonly partner: readonly (DirEntry | undefined)[];
  /** `claimed[j]` is 1 when a non-special, non-temporary source entry has the name of `dest[j]`. */
  readonly claimed: Uint8Array;
  /** Both listings are in byte order, so lists built in listing order need no sort. */
  readonly sorted: boolean;
}

const NO_PARTNERS: readonly (DirEntry | undefined)[] = [];

/**
 * Matches source and destination entries by name: a merge when both listings are already in byte
 * order (the usual case: stores list sorted), a Map otherwise.
 */
function pairByName(source: readonly DirEntry[], dest: readonly DirEntry[] | null): Pairing {
  const sourceSorted = isInPlainOrder(source);
  if (dest === null || dest.length === 0) {
    return { partner: NO_PARTNERS, claimed: new Uint8Array(0), sorted: sourceSorted };
  }
  const partner = new Array<DirEntry | undefined>(source.length);
  const claimed = new Uint8Array(dest.length);
  const sorted = sourceSorted && isInPlainOrder(dest);
  if (sorted) {
    for (let i = 0, j = 0; i < source.length && j < dest.length; ) {
      const a = source[i]!;
      const b = dest[j]!;
      if (a.name === b.name) {
        pair(a, b, i, j, partner, claimed);
        i++;
        j++;
      } else if (a.name < b.name) i++;
      else j++;
    }
  } else {
    const index = new Map<string, number>();
    for (let j = 0; j < dest.length; j++) index.set(dest[j]!.name, j);
    for (let i = 0; i < source.length; i++) {
      const j = index.get(source[i]!.name);
      if (j !== undefined) pair(source[i]!, dest[j]!, i, j, partner, claimed);
    }
  }
  return { partner, claimed, sorted };
}

function pair(
  src: DirEntry,
  dst: DirEntry,
  i: number,
  j: number,
  partner: (DirEntry | undefined)[],
  claimed: Uint8Array,
): void {
  if (isTemporaryName(src.name)) return;
  partner[i] = dst;
  if (src.meta.kind !== "special") claimed[j] = 1;
}

// Without surrogates (non-BMP characters, escaped bytes), UTF-16 order is UTF-8 byte order.
const SURROGATE = /[\ud800-\udfff]/;

/** True when the names are strictly ascending in byte order and plain `<` can compare them. */
function isInPlainOrder(list: readonly DirEntry[]): boolean {
  let previous = "";
  for (let i = 0; i < list.length; i++) {
    const name = list[i]!.name;
    if ((i > 0 && !(previous < name)) || SURROGATE.test(name)) return false;
    previous = name;
  }
  return true;
}

/** `unclaimed`: names of source entries that do not protect their destination namesake. */
function planDeletions(dir: RelPath, dest: readonly DirEntry[], claimed: Uint8Array, unclaimed: ReadonlySet<string> | null, filter: Filter, out: DirEntry[], prune: DirEntry[]): void {
  for (let j = 0; j < dest.length; j++) {
    const entry = dest[j]!;
    const { name, meta } = entry;
    if ((claimed[j] === 1 && unclaimed?.has(name) !== true) || isTemporaryName(name)) continue;
    if (filter.isEmpty) out.push(entry);
    else if (filter.includes(joinRel(dir, name), meta.kind, meta.size)) (meta.kind === "dir" ? prune : out).push(entry);
  }
}

const byEntryName = (a: DirEntry, b: DirEntry): number => compareNames(a.name, b.name);

const sortByName = (list: DirEntry[]): DirEntry[] => list.sort(byEntryName);
