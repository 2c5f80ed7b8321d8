/**
 * A new destination directory filled under a temporary name and renamed into place once (fs-pass.ts). The
 * directory is created as `.blit-tmp-<token>.dir-<name>` next to its final name; the files a directory pass writes
 * into it are created under their final names there (no temporary and rename each), and none of them can be
 * reached by its final path before the pass renamed the whole directory, every file in it complete. Its writer holds
 * an exclusive flock on the open directory from creation until the rename, so a cleaner (temp-lock.ts) removes
 * a staged directory, with what is inside, only once its writer is gone (killed, any PID namespace).
 */
import * as fs from "node:fs";
import { STAGED_DIR_MARK } from "../../domain/temp-name.ts";
import { tempPathFor } from "./fs-write.ts";
import { renameInDir } from "./in-parent.ts";
import { hasLibc } from "./libc.ffi.ts";
import { toOsPath } from "./os-path.ts";
import { removeEntriesOf } from "./remove-tree.ts";
import { lockNewTemporary } from "./temp-lock.ts";

const { O_RDONLY, O_NOFOLLOW, O_DIRECTORY } = fs.constants;

/** A directory being filled under its temporary name `path`, locked through `fd`. */
export interface StagedDir {
  readonly fd: number;
  readonly path: string;
}

/**
 * Creates and locks a staged directory for `dst` (mode 0755, as any new directory: its own mode and
 * mtime are set after its contents). Null without libc, where nothing could tell a live writer's
 * directory from a dead one's (the caller creates `dst` itself). Throws as mkdir does.
 */
export function stageDir(dst: string): StagedDir | null {
  if (!hasLibc()) return null;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const path = tempPathFor(dst, STAGED_DIR_MARK);
    const os = toOsPath(path);
    fs.mkdirSync(os, 0o755);
    let fd: number;
    try {
      fd = fs.openSync(os, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (e) {
      // A cleaner took the new, not yet locked directory for a stale one and removed it.
      if ((e as { code?: string }).code === "ENOENT") continue;
      throw e;
    }
    if (lockNewTemporary(fd) !== false) return { fd, path };
    fs.closeSync(fd);
  }
  return null;
}

/** Renames the staged directory to `dst` and unlocks it; throws as rename does (it then stays staged). */
export function unstage(s: StagedDir, dst: string): void {
  renameInDir(s.path, toOsPath(s.path), dst, toOsPath(dst));
  fs.closeSync(s.fd);
}

/** Removes the staged directory with everything inside, and unlocks it. */
export function discardStaged(s: StagedDir): void {
  try {
    removeEntriesOf(s.fd);
    fs.rmdirSync(toOsPath(s.path));
  } catch {
    // What is left stays a staged directory without a writer: the next run writing here removes it.
  } finally {
    fs.closeSync(s.fd);
  }
}
