/** Synchronous writes to the local tree, run inline or in a worker. Every file lands atomically. */
import * as fs from "node:fs";
import type { EntryMeta } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import { temporaryNameFor } from "../../domain/temp-name.ts";
import type { CopyMeter } from "./copy-meter.ts";
import { keepXattrs, type LossItem } from "./fidelity-write.ts";
import { copyFileRange, setFdMtime, setPathMtime } from "./libc.ffi.ts";
import { openRegular } from "./open-regular.ts";
import { createExclusive, renameInDir } from "./in-parent.ts";
import { toCPath, toOsPath } from "./os-path.ts";
import { removeTreeNoFollow } from "./remove-tree.ts";
import { copySparse } from "./sparse-extents.ts";
import { lockNewTemporary, type MadeAs } from "./temp-lock.ts";
import { toBlitError } from "./to-blit-error.ts";

/** One entry to create at absolute path `dst`; files copy from absolute `src`. */
export interface WriteJob {
  readonly dst: string;
  readonly meta: EntryMeta;
  readonly src?: string;
  readonly resume?: boolean;
  /** The parent directory was created by this run (mode 0755, no setgid): a new file there is
   * already owned by this process's uid and gid, so chown is only needed when those differ. */
  readonly freshParent?: boolean;
  /** The file's bytes, when they came from another store (a network peer) instead of `src`. */
  readonly data?: Uint8Array;
  /** `dst` lies in a new directory still filled under its temporary name (staged-dir.ts): the entry
   * is created under its final name there, with no temporary of its own. */
  readonly staged?: boolean;
}

export interface WriteOutcome {
  bytes: number;
  zeroCopyBytes: number;
  /** What the destination could not hold of the entry (attributes, ACLs). */
  losses?: LossItem[];
}

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const IS_ROOT = process.geteuid?.() === 0;
const EUID = process.geteuid?.() ?? -1;
const EGID = process.getegid?.() ?? -1;
const UMASK = currentUmask();
const ZERO_COPY_MIN_BYTES = 64 * 1024;
const RESUME_BLOCK_BYTES = 1 << 20;
/** Bytes per copy_file_range call: small enough for live progress and a prompt cancel. */
const ZERO_COPY_CHUNK = 16 << 20;
let tempSeq = 0;
/** Unique per thread (random, not a process id: liveness is the temporary's lock, temp-lock.ts). */
const TOKEN = [...crypto.getRandomValues(new Uint8Array(6))].map((b) => (b % 36).toString(36)).join("");

/** Creates `job` at its destination (file, directory or symlink); `meter` counts bytes and can cancel. */
export function writeEntry(job: WriteJob, buf: Buffer, meter: CopyMeter): WriteOutcome {
  switch (job.meta.kind) {
    case "dir":
      makeDirectory(job.dst);
      return { bytes: 0, zeroCopyBytes: 0 };
    case "symlink":
      writeSymlink(job.dst, job.meta, job.staged === true);
      return { bytes: 0, zeroCopyBytes: 0 };
    case "file":
      if (job.data !== undefined) return writeBytes(job, job.data, meter);
      if (job.src === undefined) throw new BlitError("INTERNAL", `no source for ${job.dst}`);
      return copyFile(job, job.src, buf, meter);
    default:
      throw new BlitError("INTERNAL", `cannot write a special file: ${job.dst}`, { path: job.dst });
  }
}

/**
 * Applies the final mode, owner (as root), attributes and ACLs, and mtime of an existing directory
 * or file, through a descriptor opened without following a symlink. An entry we may not open
 * (mode 000 and not root) is changed by path after checking it is not a symlink. Returns what the
 * destination could not hold.
 */
export function applyMeta(abs: string, meta: EntryMeta): LossItem[] | undefined {
  const os = toOsPath(abs);
  let fd = -1;
  try {
    try {
      fd = fs.openSync(os, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (e) {
      if ((e as { code?: string }).code !== "EACCES") throw e;
      return applyMetaByPath(os, abs, meta);
    }
    if (IS_ROOT) fs.fchownSync(fd, meta.uid, meta.gid);
    fs.fchmodSync(fd, meta.mode);
    const losses = keepXattrs(fd, meta, abs);
    if (setFdMtime(fd, meta.mtimeNs) !== 0) fs.futimesSync(fd, nsToSec(meta.mtimeNs), nsToSec(meta.mtimeNs));
    return losses;
  } catch (e) {
    throw toBlitError(e, abs, "set metadata of");
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/**
 * Removes an entry; a directory with everything inside, or only when empty if not `recursive`.
 * Symlinks are removed, never followed. An entry already gone counts as removed.
 */
export function removeEntry(abs: string, recursive: boolean, contained = false): void {
  const os = toOsPath(abs);
  try {
    if (recursive && contained) return removeTreeNoFollow(os);
    if (recursive) return fs.rmSync(os, { recursive: true, force: true });
    const st = fs.lstatSync(os, { throwIfNoEntry: false });
    if (st === undefined) return;
    if (st.isDirectory()) fs.rmdirSync(os);
    else fs.unlinkSync(os);
  } catch (e) {
    throw toBlitError(e, abs, "remove");
  }
}

/** A temporary being filled: its descriptor, OS path, and owner and mode as created (when known). */
export interface OpenTemp {
  readonly fd: number;
  readonly tmp: string;
  readonly tmpOs: string | Buffer;
  readonly made: MadeAs | "unknown";
}

/**
 * Gives the temporary `t` the final owner (as root), mode, attributes and ACLs, and mtime,
 * renames it to `dst` and closes it: the descriptor (and with it the temporary's lock,
 * temp-lock.ts) is held until the rename, and closed whatever happens. Owner and mode are set
 * only where they differ from what the temporary was created with (`freshParent` stands in for
 * that when it is unknown). Returns what the destination could not hold.
 */
export function finishTemp(t: OpenTemp, dst: string, meta: EntryMeta, freshParent: boolean): LossItem[] | undefined {
  const { fd, tmp, tmpOs, made } = t;
  try {
    // chown clears setuid/setgid and security.capability, so the mode and attributes follow it; an ACL's mask
    // and the mode's group bits are one value, so the attributes follow the mode. A new temporary has neither
    // set-id bits nor attributes of its own, so a chown to the owner it already has changes nothing.
    const known = made !== "unknown";
    const chown = IS_ROOT && (known ? made.uid !== meta.uid || made.gid !== meta.gid : !freshParent || meta.uid !== EUID || meta.gid !== EGID);
    if (chown) fs.fchownSync(fd, meta.uid, meta.gid);
    if (chown || (known ? made.mode !== meta.mode : (meta.mode & UMASK) !== 0 || meta.mode > 0o777)) fs.fchmodSync(fd, meta.mode);
    const losses = keepXattrs(fd, meta, dst, true);
    if (setFdMtime(fd, meta.mtimeNs) !== 0) fs.futimesSync(fd, nsToSec(meta.mtimeNs), nsToSec(meta.mtimeNs));
    if (tmp !== dst) renameInDir(tmp, tmpOs, dst, toOsPath(dst));
    return losses;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates a new temporary next to `dst` for writing (and reading back: a network receiver checks
 * what it wrote), locked as its writer's (temp-lock.ts) until its descriptor closes; returns the
 * descriptor and OS path.
 */
export function openTemp(dst: string, meta: EntryMeta): OpenTemp {
  for (let attempt = 1; ; attempt++) {
    const tmp = tempPathFor(dst);
    const tmpOs = toOsPath(tmp);
    const fd = createExclusive(tmp, tmpOs, meta.mode & 0o777);
    const made = lockNewTemporary(fd);
    if (made !== false) return { fd, tmp, tmpOs, made };
    // A cleaner took the unlocked new file for a stale one; a fresh name is locked before any
    // cleaner can see it as stale again (the cleaner tries each name once).
    fs.closeSync(fd);
    if (attempt >= 3) throw new BlitError("INTERNAL", `could not lock a temporary next to ${dst}`, { path: dst });
  }
}

/** Writes a file whose bytes are all in memory, atomically (temporary, then rename). */
function writeBytes(job: WriteJob, data: Uint8Array, meter: CopyMeter): WriteOutcome {
  if (meter.cancelled) throw new BlitError("CANCELLED", `cancelled before ${job.dst}`, { path: job.dst });
  let t: OpenTemp | null = null;
  try {
    t = openTemp(job.dst, job.meta);
    let off = 0;
    while (off < data.length) off += fs.writeSync(t.fd, data, off, data.length - off, off);
    meter.add(data.length);
    const open = t;
    t = { ...open, fd: -1 };
    const losses = finishTemp(open, job.dst, job.meta, job.freshParent === true);
    return losses === undefined ? { bytes: data.length, zeroCopyBytes: 0 } : { bytes: data.length, zeroCopyBytes: 0, losses };
  } catch (e) {
    if (t !== null && t.fd >= 0) fs.closeSync(t.fd);
    if (t !== null) safeUnlink(t.tmpOs);
    throw toBlitError(e, job.dst, "write");
  }
}

/** A new temporary name next to `dst`, unique to this thread; `mark` ends its token (temp-name.ts). */
export function tempPathFor(dst: string, mark = ""): string {
  const slash = dst.lastIndexOf("/");
  return `${dst.slice(0, slash + 1)}${temporaryNameFor(dst.slice(slash + 1), `${TOKEN}.${(tempSeq++).toString(36)}${mark}`)}`;
}

/** Creates directory `abs` (mode 0755; missing parents too); an entry of another type at its name is replaced. */
export function makeDirectory(abs: string): void {
  const os = toOsPath(abs);
  try {
    fs.mkdirSync(os, 0o755);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") return makeParents(os, abs);
    if (code !== "EEXIST") throw toBlitError(e, abs, "create directory");
    const st = fs.lstatSync(os);
    if (st.isDirectory()) return;
    fs.unlinkSync(os);
    try {
      fs.mkdirSync(os, 0o755);
    } catch (e2) {
      throw toBlitError(e2, abs, "create directory");
    }
  }
}

// --- internal ---

/**
 * Creates `dst` itself for writing, in a staged directory (staged-dir.ts) where nobody else creates
 * names and none is reachable by its final path yet. Created by this process in a directory it just
 * made, the file has this process's ids when `freshParent` says so.
 */
function openInStaged(dst: string, meta: EntryMeta, freshParent: boolean): OpenTemp {
  const os = toOsPath(dst);
  const mode = meta.mode & 0o777;
  const fd = createExclusive(dst, os, mode);
  return { fd, tmp: dst, tmpOs: os, made: freshParent ? { uid: EUID, gid: EGID, mode: mode & ~UMASK } : "unknown" };
}

function applyMetaByPath(os: string | Buffer, abs: string, meta: EntryMeta): LossItem[] | undefined {
  if (fs.lstatSync(os).isSymbolicLink()) throw new BlitError("INTERNAL", `${abs} became a symlink`, { path: abs });
  fs.chmodSync(os, meta.mode);
  const losses = keepXattrs(abs, meta, abs);
  applyPathMtime(abs, meta.mtimeNs);
  return losses;
}

/** Creates missing parents too (a destination like `new/deeper/`), as rclone does; mode 0755. */
function makeParents(os: string | Buffer, abs: string): void {
  try {
    fs.mkdirSync(os, { recursive: true, mode: 0o755 });
  } catch (e) {
    throw toBlitError(e, abs, "create directory");
  }
}

function writeSymlink(abs: string, meta: EntryMeta, staged: boolean): void {
  const tmp = staged ? abs : tempPathFor(abs);
  const tmpOs = toOsPath(tmp);
  try {
    fs.symlinkSync(toOsPath(meta.linkTarget ?? ""), tmpOs);
    if (IS_ROOT) fs.lchownSync(tmpOs, meta.uid, meta.gid);
    applyPathMtime(tmp, meta.mtimeNs);
    if (tmp !== abs) fs.renameSync(tmpOs, toOsPath(abs));
  } catch (e) {
    safeUnlink(tmpOs);
    throw toBlitError(e, abs, "create symlink");
  }
}

function copyFile(job: WriteJob, src: string, buf: Buffer, meter: CopyMeter): WriteOutcome {
  const { dst, meta } = job;
  if (meter.cancelled) throw new BlitError("CANCELLED", `cancelled before ${dst}`, { path: dst });
  let tmpOs: string | Buffer | null = null;
  let fdIn = -1;
  let fdOut = -1;
  let opened: OpenTemp | null = null;
  const out: WriteOutcome = { bytes: 0, zeroCopyBytes: 0 };
  try {
    try {
      fdIn = openRegular(toOsPath(src)).fd;
    } catch (e) {
      throw toBlitError(e, src, "read");
    }
    const t = job.staged === true ? openInStaged(dst, meta, job.freshParent === true) : openTemp(dst, meta);
    tmpOs = t.tmpOs;
    fdOut = t.fd;
    opened = t;
    const start = job.resume === true && job.staged !== true ? reuseMatchingPrefix(fdIn, dst, fdOut, buf) : 0;
    if (start === 0 && meta.blocks !== undefined) Object.assign(out, copySparse(fdIn, fdOut, meta.size, buf, (n) => chunkDone(meter, n, n)));
    else copyData(fdIn, fdOut, start, meta.size, buf, out, meter);
    const fd = fdOut;
    fdOut = -1;
    const losses = finishTemp({ ...opened, fd }, dst, meta, job.freshParent === true);
    if (losses !== undefined) out.losses = losses;
    return out;
  } catch (e) {
    if (fdOut >= 0) fs.closeSync(fdOut);
    if (tmpOs !== null) safeUnlink(tmpOs);
    throw toBlitError(e, dst, "write");
  } finally {
    if (fdIn >= 0) fs.closeSync(fdIn);
  }
}

/**
 * Copies bytes [start, EOF) at the same offsets; zero-copy for larger files, buffered otherwise.
 * Every chunk is counted on `meter`, and a cancelled meter stops the copy (the caller removes the
 * temporary).
 */
function copyData(fdIn: number, fdOut: number, start: number, size: number, buf: Buffer, out: WriteOutcome, meter: CopyMeter): void {
  let pos = start;
  if (size - start >= ZERO_COPY_MIN_BYTES) {
    for (;;) {
      const n = copyFileRange(fdIn, pos, fdOut, pos, ZERO_COPY_CHUNK);
      if (n === 0) return;
      if (n < 0) break;
      pos += n;
      out.bytes += n;
      out.zeroCopyBytes += n;
      chunkDone(meter, n, pos);
    }
  }
  for (;;) {
    const n = fs.readSync(fdIn, buf, 0, buf.length, pos);
    if (n === 0) return;
    let off = 0;
    while (off < n) off += fs.writeSync(fdOut, buf, off, n - off, pos + off);
    pos += n;
    out.bytes += n;
    chunkDone(meter, n, pos);
    // A short read of a regular file at the size it was listed with is its end: skip the read that
    // would return 0 (a file still growing is read on).
    if (n < buf.length && pos >= size) return;
  }
}

function chunkDone(meter: CopyMeter, n: number, pos: number): void {
  meter.add(n);
  if (meter.cancelled) throw new BlitError("CANCELLED", `cancelled after ${pos} bytes`);
}

/**
 * For --resume: copies the leading blocks an existing destination file shares with the source
 * into the temporary and returns how many bytes that covered (the rest comes from the source).
 */
function reuseMatchingPrefix(fdIn: number, dst: string, fdOut: number, buf: Buffer): number {
  let fdOld = -1;
  try {
    fdOld = openRegular(toOsPath(dst)).fd;
  } catch {
    return 0;
  }
  try {
    const half = Math.min(RESUME_BLOCK_BYTES, buf.length >> 1);
    const a = buf.subarray(0, half);
    const b = buf.subarray(half, half * 2);
    let same = 0;
    for (;;) {
      const na = fs.readSync(fdIn, a, 0, half, same);
      const nb = fs.readSync(fdOld, b, 0, half, same);
      if (na === 0 || na !== nb || !a.subarray(0, na).equals(b.subarray(0, nb))) break;
      let off = 0;
      while (off < na) off += fs.writeSync(fdOut, a, off, na - off, same + off);
      same += na;
    }
    return same;
  } finally {
    fs.closeSync(fdOld);
  }
}

function applyPathMtime(abs: string, mtimeNs: bigint): void {
  if (setPathMtime(toCPath(abs), mtimeNs) === 0) return;
  const s = nsToSec(mtimeNs);
  fs.lutimesSync(toOsPath(abs), s, s);
}

const nsToSec = (ns: bigint): number => Number(ns) / 1e9;

function safeUnlink(p: string | Buffer): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // already gone
  }
}

/**
 * The process's umask, read without changing it: process.umask() sets the mask to 0 and back,
 * and a file another thread creates in between gets mode bits the umask should have cleared (and
 * this thread may read 0). Linux reports it in /proc/self/status since 4.7.
 */
function currentUmask(): number {
  try {
    const m = /^Umask:\s+([0-7]+)$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m?.[1] !== undefined) return Number.parseInt(m[1], 8);
  } catch {
    // No procfs (a bare container): the racy read is all there is.
  }
  return process.umask();
}
