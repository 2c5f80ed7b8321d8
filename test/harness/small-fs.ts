/**
 * A tiny filesystem for "no space left" tests (needs root: tmpfs mount).
 * - `SMALL_FS`: `{ ok, reason }`, probed once; skip tests with the reason when not ok.
 * - `mountSmallFs(prefix, size)`: a temp dir with a tmpfs of `size` (e.g. "1m") mounted on it;
 *   `await using` unmounts and removes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TempDir } from "./temp-tree.ts";

export const SMALL_FS: { readonly ok: boolean; readonly reason: string } = probe();

/** A mounted tmpfs of `size`; disposing unmounts it and removes the directory. */
export function mountSmallFs(prefix: string, size: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `blit-e2e-${prefix}-`));
  const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", path]);
  if (mount.exitCode !== 0) {
    rmSync(path, { recursive: true, force: true });
    throw new Error(`mount tmpfs on ${path} failed: ${mount.stderr.toString()}`);
  }
  const dispose = () => {
    const umount = Bun.spawnSync(["umount", path]);
    if (umount.exitCode !== 0) Bun.spawnSync(["umount", "-l", path]);
    rmSync(path, { recursive: true, force: true });
  };
  return { path, [Symbol.dispose]: dispose, [Symbol.asyncDispose]: async () => dispose() };
}

// --- internal ---

function probe(): { ok: boolean; reason: string } {
  if (process.platform !== "linux") return { ok: false, reason: "tmpfs mounts need Linux" };
  try {
    using _fs = mountSmallFs("probe", "64k");
    return { ok: true, reason: "tmpfs can be mounted" };
  } catch (e) {
    return { ok: false, reason: `cannot mount a tmpfs (root needed): ${e instanceof Error ? e.message.trim() : String(e)}` };
  }
}
