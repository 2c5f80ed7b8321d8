/**
 * Filesystems and tools for fidelity tests (extended attributes, ACLs, sparse files).
 * - `FIDELITY_TARGETS`: the filesystems to run on, as [label, base dir]: tmpfs (/dev/shm) and the disk (os tmpdir).
 * - `tempDirOn(base, prefix)`: a fresh directory under `base`, removed on dispose.
 * - `BARE_FS` / `mountBareFs(prefix)`: a ramfs (holds no extended attributes and no ACLs; needs root), probed once;
 *   `using` unmounts and removes it. Skip with `BARE_FS.reason` when not ok.
 * - `fsTypeOf(path)`: the filesystem type name (`stat -f -c %T`: "tmpfs", "ext2/ext3", "ramfs", …).
 * - `getfattrDump(path)`, `getfaclDump(path)`: what `getfattr -d -m - -e hex -h` and `getfacl -n` print, without
 *   the `# file:` line, so two entries' dumps compare equal; `TOOLS` says whether getfattr/setfattr/getfacl/setfacl
 *   are installed (Debian packages attr and acl).
 * - `run(argv)`: runs a command, throws with its stderr when it fails.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TempDir } from "./temp-tree.ts";

export const FIDELITY_TARGETS: readonly (readonly [label: string, base: string])[] = [
  ...(existsSync("/dev/shm") ? [["tmpfs", "/dev/shm"] as const] : []),
  ["disk", tmpdir()],
];

export const TOOLS = { ok: ["getfattr", "setfattr", "getfacl", "setfacl"].every((t) => Bun.which(t) !== null), reason: "needs getfattr/setfattr and getfacl/setfacl (apt-get install attr acl)" };

export function tempDirOn(base: string, prefix: string): TempDir {
  const path = mkdtempSync(join(base, `blit-${prefix}-`));
  const dispose = () => rmSync(path, { recursive: true, force: true });
  return { path, [Symbol.dispose]: dispose, [Symbol.asyncDispose]: async () => dispose() };
}

export const BARE_FS: { readonly ok: boolean; readonly reason: string } = probe();

/** A ramfs mounted on a fresh temp dir; disposing unmounts it and removes the directory. */
export function mountBareFs(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `blit-${prefix}-`));
  const mount = Bun.spawnSync(["mount", "-t", "ramfs", "ramfs", path]);
  if (mount.exitCode !== 0) {
    rmSync(path, { recursive: true, force: true });
    throw new Error(`mount ramfs on ${path} failed: ${mount.stderr.toString()}`);
  }
  const dispose = () => {
    if (Bun.spawnSync(["umount", path]).exitCode !== 0) Bun.spawnSync(["umount", "-l", path]);
    rmSync(path, { recursive: true, force: true });
  };
  return { path, [Symbol.dispose]: dispose, [Symbol.asyncDispose]: async () => dispose() };
}

export const fsTypeOf = (path: string): string => run(["stat", "-f", "-c", "%T", path]).trim();

export const getfattrDump = (path: string): string => withoutFileLine(run(["getfattr", "-d", "-m", "-", "-e", "hex", "-h", "--absolute-names", path]));

export const getfaclDump = (path: string): string => withoutFileLine(run(["getfacl", "-n", "--absolute-names", path]));

export function run(argv: readonly string[]): string {
  const p = Bun.spawnSync([...argv], { stderr: "pipe", stdout: "pipe" });
  if (p.exitCode !== 0) throw new Error(`${argv.join(" ")} failed (${p.exitCode}): ${p.stderr.toString()}`);
  return p.stdout.toString();
}

// --- internal ---

const withoutFileLine = (dump: string): string =>
  dump
    .split("\n")
    .filter((l) => !l.startsWith("# file:"))
    .join("\n")
    .trim();

function probe(): { ok: boolean; reason: string } {
  if (process.platform !== "linux") return { ok: false, reason: "ramfs mounts need Linux" };
  try {
    using _fs = mountBareFs("probe");
    return { ok: true, reason: "ramfs can be mounted" };
  } catch (e) {
    return { ok: false, reason: `cannot mount a ramfs (root needed): ${e instanceof Error ? e.message.trim() : String(e)}` };
  }
}
