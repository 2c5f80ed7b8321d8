/**
 * One run per destination (SPEC §3), for every process on this machine: a run holds flocks on the
 * directories of its destination for as long as it writes. A tree run holds its destination
 * directory exclusively and every directory above it shared; a single-file run holds the file's
 * directory and those above it shared. So two runs conflict exactly when one writes a tree at,
 * inside or around where the other writes. A destination not created yet is held through the
 * nearest directory that exists. Locks are taken without waiting; the kernel drops them when the
 * run ends, however it ends.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BlitError } from "../../domain/errors.ts";
import { tryFlock } from "./libc.ffi.ts";
import { toOsPath } from "./os-path.ts";

const { O_RDONLY, O_DIRECTORY } = fs.constants;
const O_CLOEXEC = 0o2000000;
/** Directory levels held at most (deeper trees are held from their deepest 256 levels). */
const MAX_LEVELS = 256;

/**
 * Holds `dir` (absolute) for a run writing a tree into it (`exclusive`) or one file in it; `shown`
 * names the destination in messages. Returns the descriptors holding the locks (closing them
 * releases it). Throws BUSY when another run holds what this one needs.
 */
export function claimDirectory(dir: string, exclusive: boolean, shown: string): number[] {
  return lockLevels(ancestorsOf(nearestExisting(dir)), exclusive, shown);
}

/**
 * claimDirectory for a contained store (a daemon module): the levels from `/` to the module root
 * `rootAbs` by path, then each directory of `rel` that exists, resolved beneath the root by `dirOf`
 * (beneath.ts: a symlink inside the module is never followed out of it).
 */
export function claimBeneath(rootAbs: string, rel: string, dirOf: (rel: string) => string, exclusive: boolean, shown: string): number[] {
  const levels = ancestorsOf(nearestExisting(rootAbs));
  const parts = rel === "" ? [] : rel.split("/");
  for (let i = 1; i <= parts.length && levels.length < MAX_LEVELS; i++) {
    try {
      levels.push(dirOf(parts.slice(0, i).join("/")));
    } catch {
      break;
    }
  }
  return lockLevels(levels, exclusive, shown);
}

/** Closes the descriptors of a claim (its locks go with them). */
export function releaseClaim(fds: number[]): void {
  for (const fd of fds.splice(0)) fs.closeSync(fd);
}

// --- internal ---

/** Locks `levels` (outermost first): the last exclusively when `exclusive`, the others shared. */
function lockLevels(levels: readonly string[], exclusive: boolean, shown: string): number[] {
  const fds: number[] = [];
  try {
    for (let i = 0; i < levels.length; i++) {
      const fd = openDir(levels[i]!);
      if (fd === null) continue;
      fds.push(fd);
      const own = i === levels.length - 1;
      if (tryFlock(fd, !(own && exclusive)) === false) throw busy(shown);
    }
  } catch (e) {
    releaseClaim(fds);
    throw e;
  }
  return fds;
}

function busy(shown: string): BlitError {
  return new BlitError(
    "BUSY",
    `another blit run is writing into ${shown} (or a directory inside or around it): this run changed nothing; run it again once that one has finished (--retry N --wait SECS waits for it)`,
    { path: shown },
  );
}

/** `dir` with its symlinks resolved, or its nearest existing ancestor when it does not exist yet. */
function nearestExisting(dir: string): string {
  let at = path.resolve(dir);
  for (let i = 0; i < MAX_LEVELS; i++) {
    try {
      return fs.realpathSync(toOsPath(at)) as string;
    } catch {
      const up = path.dirname(at);
      if (up === at) return at;
      at = up;
    }
  }
  return at;
}

/** `/`, …, `dir`, outermost first (at most MAX_LEVELS). */
function ancestorsOf(dir: string): string[] {
  const out: string[] = [];
  for (let at = dir; out.length < MAX_LEVELS; at = path.dirname(at)) {
    out.push(at);
    if (path.dirname(at) === at) break;
  }
  return out.reverse();
}

/** A descriptor of directory `dir` to lock; null when it cannot be opened (then it is not held). */
function openDir(dir: string): number | null {
  try {
    return fs.openSync(toOsPath(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } catch {
    return null;
  }
}
