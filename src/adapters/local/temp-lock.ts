/**
 * Liveness of blit temporaries without process ids. A writer holds an exclusive flock on the open
 * file description of every temporary it fills, from creation until it is renamed into place; the
 * kernel drops that lock when the writer closes it or dies (kill -9 included, in any PID namespace).
 * A cleaner that can take the lock knows nobody writes there any more and removes the file; one it
 * cannot lock belongs to a live writer and stays. Only regular files are ever removed, and
 * directories whose temporary name marks them as staged (staged-dir.ts), with what is inside.
 */
import * as fs from "node:fs";
import { isStagedDirName, isTemporaryName, TEMP_PREFIX } from "../../domain/temp-name.ts";
import { hasLibc, tryFlock } from "./libc.ffi.ts";
import type { OsPath } from "./os-path.ts";
import { toOsPath } from "./os-path.ts";
import { removeEntriesOf } from "./remove-tree.ts";

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** Owner and mode bits of a temporary as it was created (from the fstat its lock check takes). */
export interface MadeAs {
  readonly uid: number;
  readonly gid: number;
  /** Permission and set-id bits (mode & 0o7777). */
  readonly mode: number;
}

/**
 * Locks a temporary just created as `fd`. False when a cleaner removed the name between
 * its creation and the lock (the caller makes a new one); otherwise the owner and mode it was
 * created with, or "unknown" without libc (no locking there).
 */
export function lockNewTemporary(fd: number): MadeAs | "unknown" | false {
  const taken = tryFlock(fd);
  if (taken === null) return "unknown";
  if (!taken) return false;
  // A cleaner unlinks a temporary only while it holds the lock (removeIfUnlocked), and closes it
  // after: holding the lock now, the name is either still there or already unlinked, which leaves
  // the file without links (a temporary has one name, unique to its writer, that nobody else
  // links or renames).
  const st = fs.fstatSync(fd);
  return st.nlink === 0 ? false : { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
}

/** The names in directory `dirOs` that are blit temporaries (none when it cannot be read). */
export function temporariesIn(dirOs: OsPath): string[] {
  let names: Buffer[];
  try {
    names = fs.readdirSync(dirOs, { encoding: "buffer" }) as Buffer[];
  } catch {
    return [];
  }
  const prefix = Buffer.from(TEMP_PREFIX);
  return names.filter((n) => n.subarray(0, prefix.length).equals(prefix)).map((n) => n.toString("latin1"));
}

/**
 * Removes each temporary named in `names` (as returned by {@link temporariesIn}) inside `dir`
 * (a path string, `/`-terminated or not) whose writer is gone. Returns how many were removed.
 * Failures leave the temporary for a later run; temporaries are never listed, so they do no harm.
 */
export function removeStaleTemporaries(dir: string, names: readonly string[]): number {
  if (!hasLibc()) return 0;
  const base = Buffer.from(toOsPath(dir.endsWith("/") ? dir : `${dir}/`));
  let removed = 0;
  for (const name of names) {
    if (!isTemporaryName(name)) continue;
    if (removeIfUnlocked(Buffer.concat([base, Buffer.from(name, "latin1")]), isStagedDirName(name))) removed++;
  }
  return removed;
}

// --- internal ---

function removeIfUnlocked(os: Buffer, staged: boolean): boolean {
  let fd = -1;
  try {
    fd = fs.openSync(os, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!(st.isFile() || (staged && st.isDirectory())) || tryFlock(fd) !== true) return false;
    // The name may have been renamed into place (or replaced) since it was opened: remove it only
    // while it still names the entry this cleaner holds locked.
    if (fs.lstatSync(os, { throwIfNoEntry: false })?.ino !== st.ino) return false;
    if (st.isDirectory()) {
      removeEntriesOf(fd);
      fs.rmdirSync(os);
    } else fs.unlinkSync(os);
    return true;
  } catch {
    return false;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
