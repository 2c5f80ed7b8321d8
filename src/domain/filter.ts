import type { EntryKind } from "./entry.ts";
import { BlitError } from "./errors.ts";
import { compileGlob } from "./glob.ts";
import { hasParentSegment } from "./peer-path.ts";
import { baseName, type RelPath } from "./rel-path.ts";

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

/**
 * Compiles options into a Filter (SPEC §3 "Filters", rsync's semantics). An entry is in scope when
 * it passes, in this order:
 *
 * 1. the rules: evaluated in command-line order, the first matching rule decides, no match means
 *    included. A pattern with a `/` (other than a trailing one) or a `**` is matched against the
 *    relative path: anchored at the transfer root when it starts with `/`, otherwise against any
 *    trailing portion that starts at a segment boundary. Any other pattern is matched against the
 *    base name. A trailing `/` makes the rule match directories only. An excluded directory prunes
 *    its subtree: the walker does not descend into a directory this filter rejects.
 * 2. the --files-from list: the entry is listed, lies below a listed path, or is a directory that is
 *    an ancestor of a listed path (so the walk can reach it). Lines are normalized: leading `./` and
 *    `/`, trailing `/` and `.` segments are dropped; blank lines and lines starting with `#` are
 *    skipped; `.` or `/` alone lists the whole tree.
 * 3. the size bounds: inclusive, and for regular files only.
 *
 * The transfer root ("") is always in scope. Throws BlitError USAGE for an invalid or empty pattern
 * and for a --files-from line with a `..` segment.
 */
export function compileFilter(options: FilterOptions): Filter {
  const { rules, filesFrom, minSize, maxSize } = options;
  const isEmpty = rules.length === 0 && filesFrom === null && minSize === null && maxSize === null;
  if (isEmpty) return { isEmpty, includes: () => true };
  const compiled = rules.map(compileRule);
  const needsBase = compiled.some((r) => !r.onPath);
  const scope = filesFrom === null ? null : compileFilesFrom(filesFrom);
  const min = minSize ?? 0;
  const max = maxSize ?? Number.POSITIVE_INFINITY;
  return {
    isEmpty,
    includes(path, kind, size) {
      if (path === "") return true;
      if (compiled.length > 0) {
        const base = needsBase ? baseName(path) : path;
        for (const rule of compiled) {
          if (rule.dirOnly && kind !== "dir") continue;
          if (rule.matches(rule.onPath ? path : base)) {
            if (rule.type === "exclude") return false;
            break;
          }
        }
      }
      if (scope !== null && !scope.includes(path, kind)) return false;
      return kind !== "file" || (size >= min && size <= max);
    },
  };
}

// --- internal ---

interface CompiledRule {
  readonly type: FilterRule["type"];
  readonly dirOnly: boolean;
  /** Matched against the relative path (true) or the base name (false). */
  readonly onPath: boolean;
  readonly matches: (subject: string) => boolean;
}

function compileRule(rule: FilterRule): CompiledRule {
  let pattern = rule.pattern;
  let dirOnly = false;
  while (pattern.length > 1 && pattern.endsWith("/") && !pattern.endsWith("\\/")) {
    pattern = pattern.slice(0, -1);
    dirOnly = true;
  }
  const anchored = pattern.startsWith("/");
  if (anchored) pattern = pattern.slice(1);
  if (pattern === "" || pattern === "/") {
    throw new BlitError("USAGE", `invalid filter pattern '${rule.pattern}': it matches no name`, {
      pattern: rule.pattern,
    });
  }
  const onPath = anchored || pattern.includes("/") || pattern.includes("**");
  const matches = compileGlob(pattern, { matchTail: onPath && !anchored });
  return { type: rule.type, dirOnly, onPath, matches };
}

interface FilesFromScope {
  includes(path: RelPath, kind: EntryKind): boolean;
}

function compileFilesFrom(lines: readonly string[]): FilesFromScope {
  const listed = new Set<string>();
  const ancestors = new Set<string>();
  for (const line of lines) {
    const path = normalizeListedPath(line);
    if (path === null) continue;
    if (path === "") return { includes: () => true };
    listed.add(path);
    for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) ancestors.add(path.slice(0, i));
  }
  return {
    includes(path, kind) {
      if (listed.has(path)) return true;
      if (kind === "dir" && ancestors.has(path)) return true;
      for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
        if (listed.has(path.slice(0, i))) return true;
      }
      return false;
    },
  };
}

/** The RelPath a --files-from line names; null for a blank or comment line. */
function normalizeListedPath(line: string): RelPath | null {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  if (text.trim() === "" || text.startsWith("#")) return null;
  if (hasParentSegment(text)) throw new BlitError("USAGE", `--files-from entry '${line}' leaves the source root ('..')`, { path: line });
  const segments: string[] = [];
  for (const segment of text.split("/")) {
    if (segment === "" || segment === ".") continue;
    segments.push(segment);
  }
  return segments.join("/");
}
