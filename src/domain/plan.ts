import type { DirEntry } from "./entry.ts";
import type { Filter } from "./filter.ts";
import type { RelPath } from "./rel-path.ts";

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
  readonly descend: readonly { readonly entry: DirEntry; readonly destExists: boolean }[];
  /** Destination entries a mirror deletes (absent from the source, inside the filter scope). */
  readonly delete: readonly DirEntry[];
  /** Destination directories that a non-directory source entry replaces: removed before the write,
   * so only when deletions are allowed (mirror) — in a copy they are failures. */
  readonly replaceDirs: readonly DirEntry[];
  /** FIFOs, sockets and devices in the source: skipped with one warning each. */
  readonly special: readonly DirEntry[];
}

export type { RelPath };
