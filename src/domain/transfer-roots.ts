import type { EntryKind } from "./entry.ts";
import { BlitError } from "./errors.ts";
import { displayName } from "./rel-path.ts";
import { isDotName } from "./peer-path.ts";

/**
 * Trailing-slash semantics (SPEC §2): where a transfer reads and where it writes, from the two
 * endpoint paths and what exists on each side. Paths are plain '/'-joined strings: a local path
 * (absolute, as `parseEndpoint` gives it with `cwd`) or a remote RelPath ("" = module root). The
 * parent of a one-segment relative path is "", so local paths should be absolute.
 */

/**
 * What the two roots are. `sourceKind` is asked with lstat, except when the source is
 * `contentsOnly`, where a symlink is followed (as the kernel does for `link/`). `destKind` is what
 * the destination path leads to, following a symlink; "symlink" there means a dangling link, and
 * null means nothing exists. For a remote destination the daemon is asked.
 */
export interface RootFacts {
  readonly sourceKind: EntryKind;
  readonly destKind: EntryKind | null;
}

/**
 * Where a transfer reads and writes.
 * - `tree`: the contents of `sourceDir` land in `destDir` (created when missing); names are null.
 * - `file`: the entry `sourceName` in `sourceDir` is written as `destName` in `destDir`.
 * A source symlink root, a file and a special file all take `file` mode (the entry itself).
 */
export interface ResolvedRoots {
  readonly mode: "tree" | "file";
  readonly sourceDir: string;
  readonly sourceName: string | null;
  readonly destDir: string;
  readonly destName: string | null;
}

/**
 * Applies the SPEC §2 table:
 * - `src/` (contentsOnly) → contents of src into dst;
 * - dir `src` + `dst/` or an existing directory `dst` → `dst/src`; + absent `dst` → `dst`;
 * - file + `dst/` (created when absent) or an existing directory `dst` → `dst/file`;
 * - file + a `name` that is not a directory → written as `name` (replacing it).
 * A source whose last segment is "", `.` or `..` is taken as contentsOnly. Throws
 * `BlitError("USAGE")` for a directory copied onto an existing non-directory, for `dst/` naming an
 * existing non-directory, and for a contentsOnly source that is not a directory.
 */
export function resolveRoots(
  source: { readonly path: string; readonly contentsOnly: boolean },
  dest: { readonly path: string; readonly trailingSlash: boolean },
  facts: RootFacts,
): ResolvedRoots {
  const name = baseOf(source.path);
  const contentsOnly = source.contentsOnly || name === "" || isDotName(name);
  const destIsDir = facts.destKind === "dir";
  const destName = baseOf(dest.path);
  const intoDest = dest.trailingSlash || destIsDir || destName === "" || isDotName(destName);
  if (intoDest && facts.destKind !== null && !destIsDir) {
    const named = shown(dest.path);
    throw usage(`'${named}/' names an existing ${facts.destKind}, not a directory: name a directory, e.g. ${named}-dir/`, source.path, dest.path);
  }
  if (facts.sourceKind === "dir") {
    if (!intoDest && facts.destKind !== null) {
      throw usage(
        `cannot copy directory '${shown(source.path)}' onto '${shown(dest.path)}', an existing ${facts.destKind}: ` +
          `name a directory instead, e.g. ${shown(dest.path)}-dir/, or remove '${shown(dest.path)}' first`,
        source.path,
        dest.path,
      );
    }
    const destDir = contentsOnly || !intoDest ? dest.path : joinPath(dest.path, name);
    return { mode: "tree", sourceDir: source.path, sourceName: null, destDir, destName: null };
  }
  if (contentsOnly) {
    throw usage(
      `'${shown(source.path)}/' names a ${facts.sourceKind}, but a trailing slash means a directory's contents: ` +
        `drop the slash, e.g. ${shown(source.path)}`,
      source.path,
      dest.path,
    );
  }
  const sourceDir = parentOf(source.path);
  if (intoDest) return { mode: "file", sourceDir, sourceName: name, destDir: dest.path, destName: name };
  return { mode: "file", sourceDir, sourceName: name, destDir: parentOf(dest.path), destName };
}

/**
 * True when the two paths are equal or one lies inside the other. Lexical: pass absolute paths
 * with symlinks already resolved (realpath), or two RelPaths of the same module.
 */
export function overlaps(a: string, b: string): boolean {
  const x = trimPath(a);
  const y = trimPath(b);
  return x === y || isInside(x, y) || isInside(y, x);
}

// --- internal ---

/** Collapses repeated slashes and drops a trailing slash ("/" stays "/"). */
function trimPath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, "/");
  return collapsed.length > 1 && collapsed.endsWith("/") ? collapsed.slice(0, -1) : collapsed;
}

const isInside = (path: string, dir: string): boolean =>
  dir === "" || (dir === "/" ? path.startsWith("/") : path.startsWith(`${dir}/`));

function baseOf(path: string): string {
  const p = trimPath(path);
  return p === "/" ? "" : p.slice(p.lastIndexOf("/") + 1);
}

function parentOf(path: string): string {
  const p = trimPath(path);
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : i === 0 ? "/" : p.slice(0, i);
}

function joinPath(dir: string, name: string): string {
  const d = trimPath(dir);
  return d === "" ? name : d === "/" ? `/${name}` : `${d}/${name}`;
}

const shown = (path: string): string => displayName(trimPath(path));

const usage = (message: string, source: string, destination: string): BlitError =>
  new BlitError("USAGE", message, { source, destination });
