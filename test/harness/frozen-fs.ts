/**
 * A filesystem that never answers, standing in for a hung NFS server or a dead disk (needs root
 * and /dev/fuse): a FUSE mount whose connection nobody serves, so every lstat, open or readdir of
 * the mount point blocks its thread until the mount goes away.
 * - `FROZEN_FS`: `{ ok, reason }`, probed once; skip tests with the reason when not ok.
 * - `mountFrozenFs(dir)`: mounts it on existing empty directory `dir`; disposing detaches the
 *   mount and closes the connection, which fails every blocked call (ENOTCONN) and frees its thread.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const FROZEN_FS: { readonly ok: boolean; readonly reason: string } = probe();

export function mountFrozenFs(dir: string): Disposable {
  const fd = openSync("/dev/fuse", "r+");
  try {
    // The mount runs in a child: the connection's descriptor is its fd 3.
    execFileSync("mount", ["-t", "fuse", "-o", "fd=3,rootmode=40000,user_id=0,group_id=0", "blit-frozen", dir], { stdio: ["ignore", "ignore", "pipe", fd] });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return {
    [Symbol.dispose]: () => {
      try {
        execFileSync("umount", ["--lazy", dir], { stdio: "ignore" });
      } finally {
        closeSync(fd);
      }
    },
  };
}

// --- internal ---

function probe(): { ok: boolean; reason: string } {
  if (process.platform !== "linux") return { ok: false, reason: "FUSE mounts need Linux" };
  const dir = mkdtempSync(join(tmpdir(), "blit-frozen-probe-"));
  try {
    using _fs = mountFrozenFs(dir);
    return { ok: true, reason: "a FUSE filesystem can be mounted" };
  } catch (e) {
    return { ok: false, reason: `cannot mount a FUSE filesystem (root and /dev/fuse needed): ${e instanceof Error ? e.message.trim() : String(e)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
