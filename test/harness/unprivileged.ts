/**
 * Running blit without root's powers: root reads files whatever their mode, so "unreadable source"
 * tests run the CLI as `nobody` (through setpriv) on a tree handed over to that user.
 * - `UNPRIVILEGED`: `{ ok, reason, user }`; `user` is what to pass as `runCli(..., { asUser })`
 *   (null when the tests already run as a normal user).
 * - `handOver(root)`: gives `root` and everything below it to that user (no-op when not root).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Unprivileged {
  readonly ok: boolean;
  readonly reason: string;
  readonly user: { readonly uid: number; readonly gid: number } | null;
}

export const NOBODY = { uid: 65534, gid: 65534 } as const;

export const UNPRIVILEGED: Unprivileged = probe();

/** Makes `root` (recursively) owned by the unprivileged user. */
export function handOver(root: string): void {
  if (UNPRIVILEGED.user === null) return;
  const r = Bun.spawnSync(["chown", "-R", `${NOBODY.uid}:${NOBODY.gid}`, root]);
  if (r.exitCode !== 0) throw new Error(`chown -R ${root} failed: ${r.stderr.toString()}`);
}

// --- internal ---

function probe(): Unprivileged {
  if (process.getuid?.() !== 0) return { ok: true, reason: "not root: mode bits apply", user: null };
  const dir = mkdtempSync(join(tmpdir(), "blit-e2e-probe-"));
  try {
    const file = join(dir, "f");
    writeFileSync(file, "x");
    chmodSync(file, 0);
    Bun.spawnSync(["chown", "-R", `${NOBODY.uid}:${NOBODY.gid}`, dir]);
    const asNobody = ["setpriv", `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--clear-groups", "--"];
    const bun = Bun.spawnSync([...asNobody, process.execPath, "-e", "process.exit(process.getuid() === 65534 ? 0 : 1)"]);
    if (bun.exitCode !== 0) return { ok: false, reason: `cannot run bun as nobody via setpriv: ${bun.stderr.toString().trim()}`, user: null };
    const cat = Bun.spawnSync([...asNobody, "cat", file]);
    if (cat.exitCode === 0) return { ok: false, reason: "nobody can read a mode-000 file here (capabilities?)", user: null };
    return { ok: true, reason: "root: running blit as nobody via setpriv", user: NOBODY };
  } catch (e) {
    return { ok: false, reason: `setpriv unavailable: ${e instanceof Error ? e.message : String(e)}`, user: null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
