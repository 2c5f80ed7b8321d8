import type { EntryKind } from "./entry.ts";
import type { RelPath } from "./rel-path.ts";

/** One --include/--exclude rule, in command-line order. */
export interface FilterRule {
  readonly type: "include" | "exclude";
  readonly pattern: string;
}

export interface FilterOptions {
  readonly rules: readonly FilterRule[];
  /** Paths from --files-from (relative to the source root); null when not given. */
  readonly filesFrom: readonly string[] | null;
  readonly minSize: number | null;
  readonly maxSize: number | null;
}

/** Decides which entries are in a transfer's scope. */
export interface Filter {
  /** True when the entry at `path` (relative to the transfer root) is in scope. */
  includes(path: RelPath, kind: EntryKind, size: number): boolean;
  /** True when no rule, list or size limit is set (everything is in scope). */
  readonly isEmpty: boolean;
}

export const NO_FILTER_OPTIONS: FilterOptions = { rules: [], filesFrom: null, minSize: null, maxSize: null };

/** Compiles options into a Filter. Throws BlitError USAGE for an invalid pattern. */
export declare function compileFilter(options: FilterOptions): Filter;
