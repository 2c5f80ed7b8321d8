/**
 * Setting an entry aside into a --backup-dir on another filesystem than the destination's (where rename and link
 * answer EXDEV): the entry is copied with what blit keeps of it through fs-write.ts — content with its holes, mode,
 * owner (as root), attributes and ACLs, mtime; symlinks as symlinks; directories recursively, each directory's
 * metadata set after its contents. A directory is built under a temporary name next to its final one and renamed
 * into place when whole; a file or symlink is written to a temporary and renamed (fs-write.ts), so the backup tree
 * never holds a partial copy under a final name. The tree being copied is read through directory descriptors opened
 * without following symlinks (a directory swapped for a symlink meanwhile is refused, not followed). Copies are
 * not synced here: the caller syncs them (syncFilesystemsOf) before removing any original.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { EntryMeta } from "../../domain/entry.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { displayName } from "../../domain/rel-path.ts";
import { temporaryNameFor } from "../../domain/temp-name.ts";
import { CopyMeter } from "./copy-meter.ts";
import { fromLossItem, newWriteJob, type LossItem } from "./fidelity-write.ts";
import { listDir, statPath } from "./fs-read.ts";
import { applyMeta, writeEntry } from "./fs-write.ts";
import { syncFs } from "./libc.ffi.ts";
import { toOsPath } from "./os-path.ts";
import { fromWireError, toBlitError } from "./to-blit-error.ts";

/** Absolute paths of one copy, and how each is named in messages. */
export interface AsidePaths {
  readonly from: string;
  readonly to: string;
  readonly shownFrom: string;
  readonly shownTo: string;
}

/**
 * Copies the entry at `p.from` to `p.to` (whose parent exists), replacing what is at `p.to` only once the copy is
 * whole; returns what the backup filesystem could not hold (attributes, ACLs), empty when it held everything, or
 * null when nothing is at `p.from`. A FIFO, socket or device (inside a directory too) is refused: it cannot be
 * copied, and the original it would be removed with must stay. On failure nothing is left at a temporary name and
 * `p.to` is unchanged (unless it was a directory standing where a file goes); throws BlitError naming the shown paths.
 */
export function copyAside(p: AsidePaths): BlitError[] | null {
  const names = new Names(p);
  try {
    const meta = statPath(p.from);
    if (meta === null) return null;
    newWriteJob();
    const losses: LossItem[] = [];
    if (meta.kind !== "dir") {
      if (fs.lstatSync(toOsPath(p.to), { throwIfNoEntry: false })?.isDirectory() === true) fs.rmSync(toOsPath(p.to), { recursive: true, force: true });
      put(p.from, p.to, meta, losses, names);
    } else {
      const tmp = temporaryNear(p.to);
      names.add(tmp, p.shownTo);
      fs.mkdirSync(toOsPath(tmp), 0o700);
      try {
        copyDir(p.from, tmp, meta, losses, names);
        fs.rmSync(toOsPath(p.to), { recursive: true, force: true });
        fs.renameSync(toOsPath(tmp), toOsPath(p.to));
      } catch (e) {
        removeTemporary(tmp);
        throw e;
      }
    }
    return losses.map((l) => fromLossItem({ ...l, message: names.scrub(l.message), path: names.scrub(l.path) }));
  } catch (e) {
    const err = isBlitError(e) ? e : toBlitError(e, p.to, "write");
    throw new BlitError(err.code, `cannot set aside ${displayName(p.shownFrom)} at ${displayName(p.shownTo)} (another filesystem, so it is copied): ${names.scrub(err.message)}`, { path: p.shownTo });
  }
}

/**
 * Makes the filesystems holding the directories of `paths` durable (syncfs once per filesystem; fsync of the
 * directory where libc is missing). Throws BlitError when one cannot be synced.
 */
export function syncFilesystemsOf(paths: readonly string[]): void {
  const done = new Set<bigint>();
  for (const path of paths) {
    const dir = nodePath.dirname(path);
    const fd = fs.openSync(toOsPath(dir), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      const dev = fs.fstatSync(fd, { bigint: true }).dev;
      if (done.has(dev)) continue;
      const err = syncFs(fd);
      if (err === -1) fs.fsyncSync(fd);
      else if (err !== 0) throw new BlitError("INTERNAL", `cannot sync the filesystem of ${displayName(dir)}: errno ${err}`, { path: dir, errno: err });
      done.add(dev);
    } finally {
      fs.closeSync(fd);
    }
  }
}

// --- internal ---

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
/** Unique per thread (random, not a process id: temporaries never depend on process ids). */
const TOKEN = `b${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => (b % 36).toString(36)).join("")}`;
let seq = 0;
let buf: Buffer | null = null;
let meter: CopyMeter | null = null;

/** Absolute paths met during one copy → how they are named in messages (descriptor paths, the temporary). */
class Names {
  private readonly pairs: [string, string][] = [];

  constructor(p: AsidePaths) {
    this.add(p.to, p.shownTo);
    this.add(p.from, p.shownFrom);
  }

  add(path: string, shown: string): void {
    this.pairs.unshift([path, shown]);
  }

  /** `text` with every known path (followed by `/` or at its end) named as shown. */
  scrub(text: string): string {
    let out = text;
    for (const [path, shown] of this.pairs) out = out.replace(new RegExp(`${escapeRegExp(displayName(path))}(?=/|[^\\w.-]|$)`, "g"), displayName(shown).replaceAll("$", "$$$$"));
    return out;
  }
}

/** Removes a partial copy; one that cannot be removed (a read-only directory in it, not as root) stays under its temporary name. */
function removeTemporary(tmp: string): void {
  try {
    fs.rmSync(toOsPath(tmp), { recursive: true, force: true });
  } catch {
    // the copy's own failure is the one reported
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function temporaryNear(to: string): string {
  const slash = to.lastIndexOf("/");
  return `${to.slice(0, slash + 1)}${temporaryNameFor(to.slice(slash + 1), `${TOKEN}.${(seq++).toString(36)}`)}`;
}

/** Writes a file or symlink at `to` (temporary, then rename) from `from`; anything else is refused. */
function put(from: string, to: string, meta: EntryMeta, losses: LossItem[], names: Names): void {
  if (meta.kind === "special") throw new BlitError("UNSUPPORTED", `${names.scrub(from)} is a FIFO, socket or device, which cannot be copied`, { path: from });
  buf ??= Buffer.allocUnsafe(1 << 20);
  meter ??= new CopyMeter();
  const out = writeEntry({ dst: to, meta, src: from }, buf, meter);
  if (out.losses !== undefined) losses.push(...out.losses);
}

/** Fills the new directory `to` with copies of the entries of directory `from`, then gives it `meta`. */
function copyDir(from: string, to: string, meta: EntryMeta, losses: LossItem[], names: Names): void {
  const fd = fs.openSync(toOsPath(from), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    const base = `/proc/self/fd/${fd}`;
    names.add(base, names.scrub(from));
    const { entries, failures } = listDir(base);
    if (failures[0] !== undefined) throw fromWireError(failures[0].error);
    for (const e of entries) {
      const src = `${base}/${e.name}`;
      const dst = `${to}/${e.name}`;
      if (e.meta.kind !== "dir") {
        put(src, dst, e.meta, losses, names);
        continue;
      }
      fs.mkdirSync(toOsPath(dst), 0o700);
      copyDir(src, dst, e.meta, losses, names);
    }
  } finally {
    fs.closeSync(fd);
  }
  const lost = applyMeta(to, meta);
  if (lost !== undefined) losses.push(...lost);
}
