/** Synchronous reads of the local tree (listing, stat, hashing), run inline or in a worker. */
import * as fs from "node:fs";
import type { DirEntry, EntryKind, EntryMeta, Mutable } from "../../domain/entry.ts";
import { NO_XATTRS } from "../../domain/fidelity.ts";
import { BLOCK_HASH_BYTES, RESUME_BLOCK_BYTES } from "../../domain/resume-prefix.ts";
import { hasEscapedBytes } from "../../domain/rel-path.ts";
import { isTemporaryName, TEMP_PREFIX } from "../../domain/temp-name.ts";
import { AT_FDCWD, lstatRawAt, makedev, type RawStat } from "./libc.ffi.ts";
import { countListedWithout, listRecords, NOT_ASKED, RECORD_HEAD } from "./dir-list.ffi.ts";
import { openRegular } from "./open-regular.ts";
import { mayHaveHoles } from "./sparse-extents.ts";
import { readListedXattrs, readXattrs, readXattrsAt } from "./xattrs.ts";
import { absJoin, fromOsName, toCPath, toOsPath } from "./os-path.ts";
import { toBlitError, toWireError, type WireError } from "./to-blit-error.ts";

export interface ListResult {
  readonly entries: DirEntry[];
  readonly failures: { name: string; error: WireError }[];
}

/** Metadata of `abs` without following a final symlink; null when absent. */
export function statPath(abs: string): EntryMeta | null {
  const os = toOsPath(abs);
  let st: fs.BigIntStats | undefined;
  try {
    st = fs.lstatSync(os, { bigint: true, throwIfNoEntry: false });
  } catch (e) {
    if ((e as { code?: string }).code === "ENOTDIR") return null;
    throw toBlitError(e, abs, "stat");
  }
  return st === undefined ? null : toMeta(st, os, abs);
}

/**
 * Entries of directory `abs`, lstat'ed. Names that are not valid UTF-8 are read as bytes.
 * blit temporaries are never listed (nor removed: only a writer cleans, temp-lock.ts).
 */
export function listDir(abs: string): ListResult {
  const dirFd = openDir(abs);
  try {
    if (dirFd !== AT_FDCWD) {
      const native = listNative(dirFd, abs.endsWith("/") ? abs : `${abs}/`);
      if (native !== null) return native;
    }
    const names = readNames(abs);
    countListedWithout(names.length);
    const entries: DirEntry[] = [];
    const failures: { name: string; error: WireError }[] = [];
    const base = abs.endsWith("/") ? abs : `${abs}/`;
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX) && isTemporaryName(name)) continue;
      try {
        const meta = lstatMeta(dirFd, name, base);
        if (meta !== null) entries.push({ name, meta });
      } catch (e) {
        failures.push({ name, error: toWireError(toBlitError(e, base + name, "read metadata of")) });
      }
    }
    return { entries, failures };
  } finally {
    if (dirFd !== AT_FDCWD) fs.closeSync(dirFd);
  }
}

/** SHA-256 of a file's content. */
export function hashFile(abs: string, buf: Buffer): Uint8Array {
  const hasher = new Bun.CryptoHasher("sha256");
  let fd = -1;
  try {
    fd = openRegular(toOsPath(abs)).fd;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hasher.update(buf.subarray(0, n));
    }
  } catch (e) {
    throw toBlitError(e, abs, "read");
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
  return new Uint8Array(hasher.digest());
}

/**
 * SHA-256 of each RESUME_BLOCK_BYTES block of a file (the last one shorter), concatenated
 * (32 bytes each); empty when there is no file at `abs`. Never follows a final symlink.
 */
export function blockHashesOf(abs: string, buf: Buffer): Uint8Array {
  let fd = -1;
  let size = 0;
  try {
    ({ fd, size } = openRegular(toOsPath(abs)));
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return new Uint8Array();
    throw toBlitError(e, abs, "read");
  }
  try {
    const out = new Uint8Array(Math.ceil(size / RESUME_BLOCK_BYTES) * BLOCK_HASH_BYTES);
    const block = buf.length >= RESUME_BLOCK_BYTES ? buf.subarray(0, RESUME_BLOCK_BYTES) : Buffer.allocUnsafe(RESUME_BLOCK_BYTES);
    let pos = 0;
    for (let i = 0; pos < size; i++) {
      let n = 0;
      for (let r = -1; r !== 0 && n < block.length; n += r) r = fs.readSync(fd, block, n, block.length - n, pos + n);
      if (n === 0) return out.subarray(0, i * BLOCK_HASH_BYTES);
      out.set(new Bun.CryptoHasher("sha256").update(block.subarray(0, n)).digest(), i * BLOCK_HASH_BYTES);
      pos += n;
    }
    return out;
  } catch (e) {
    throw toBlitError(e, abs, "read");
  } finally {
    fs.closeSync(fd);
  }
}

// --- internal ---

function readNames(abs: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(toOsPath(abs)) as string[];
  } catch (e) {
    throw toBlitError(e, abs, "list");
  }
  if (!names.some((n) => n.includes("\ufffd"))) return names;
  const raw = fs.readdirSync(toOsPath(abs), { encoding: "buffer" }) as Buffer[];
  return raw.map((b) => fromOsName(b));
}

const raw: RawStat = { mode: 0, size: 0, mtimeNs: 0n, uid: 0, gid: 0, nlink: 1, ino: 0n, blocks: 0, dev: 0n };
const pathBuf = new Uint8Array(8192);
const encoder = new TextEncoder();
const ENOENT = 2;
const EPERM = 1;
const ENOSYS = 38;
const ERRNO_CODE: Readonly<Record<number, string>> = { 13: "EACCES", 1: "EPERM", 20: "ENOTDIR", 36: "ENAMETOOLONG", 40: "ELOOP", 5: "EIO" };

/**
 * A descriptor of directory `abs` for statx relative to it (one path component for the kernel to
 * resolve per entry, not the whole path); AT_FDCWD when it cannot be opened (entries are then
 * stat'ed by full path, and readNames reports why the directory cannot be read).
 */
function openDir(abs: string): number {
  try {
    return fs.openSync(toOsPath(abs), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  } catch {
    return AT_FDCWD;
  }
}

const records = Buffer.allocUnsafe(256 * 1024);
const recordView = new DataView(records.buffer, records.byteOffset, records.byteLength);

/**
 * listDir through the native lister (dir-list.ffi.ts): the same entries, failures and metadata as the per-entry
 * calls, which still serve the entries it does not decode itself (a failed statx, a name that is not UTF-8, attribute
 * names it could not list). Null when the lister is not in use or the directory cannot be read (the per-entry path
 * then lists it, and says why it cannot).
 */
function listNative(dirFd: number, base: string): ListResult | null {
  const entries: DirEntry[] = [];
  const failures: { name: string; error: WireError }[] = [];
  for (;;) {
    const n = listRecords(dirFd, records);
    if (n === null || n < 0) return null;
    if (n === 0) return { entries, failures };
    for (let at = 0; at < n; at += recordView.getUint16(at, true)) {
      const nameEnd = at + RECORD_HEAD + recordView.getUint16(at + 68, true);
      const decoded = records.toString("utf8", at + RECORD_HEAD, nameEnd);
      const name = decoded.includes("\ufffd") ? fromOsName(records.subarray(at + RECORD_HEAD, nameEnd)) : decoded;
      if (name.startsWith(TEMP_PREFIX) && isTemporaryName(name)) continue;
      try {
        const meta = recordMeta(at, nameEnd, dirFd, name, base);
        if (meta !== null) entries.push({ name, meta });
      } catch (e) {
        failures.push({ name, error: toWireError(toBlitError(e, base + name, "read metadata of")) });
      }
    }
  }
}

/** The EntryMeta of the record at `at` (its name ends at `nameEnd`), or lstatMeta's where the record cannot say. */
function recordMeta(at: number, nameEnd: number, dirFd: number, name: string, base: string): EntryMeta | null {
  const err = recordView.getInt32(at + 2, true);
  if (err === ENOENT) return null;
  if (err !== 0 || hasEscapedBytes(name)) return lstatMeta(dirFd, name, base);
  const mode = recordView.getUint16(at + 6, true);
  const kind = KIND_OF[(mode & 0o170000) >> 12] ?? "special";
  const nlink = recordView.getUint32(at + 16, true);
  const linked = nlink > 1 && kind !== "dir";
  const listed = recordView.getInt32(at + 64, true);
  const xattrs = kind !== "file" && kind !== "dir"
    ? undefined
    : listed === NOT_ASKED || listed === -ENOSYS || listed === -EPERM
      ? readXattrsAt(dirFd, cString(name)!, base, name) // these two say listxattrat is missing or refused: it is not asked again
      : readListedXattrs(listed, records.subarray(nameEnd), base, name);
  return metaOf(
    kind,
    kind === "file" ? Number(recordView.getBigUint64(at + 20, true)) : 0,
    recordView.getBigInt64(at + 28, true) * 1_000_000_000n + BigInt(recordView.getUint32(at + 36, true)),
    mode & 0o7777,
    recordView.getUint32(at + 8, true),
    recordView.getUint32(at + 12, true),
    xattrs,
    nlink,
    linked ? makedev(recordView.getUint32(at + 48, true), recordView.getUint32(at + 52, true)) : 0n,
    linked ? recordView.getBigUint64(at + 40, true) : 0n,
    Number(recordView.getBigUint64(at + 56, true)),
    kind === "symlink" ? toOsPath(base + name) : null,
  );
}

/**
 * lstat of entry `name` of directory `base` (ending in "/"), open as `dirFd` (AT_FDCWD: stat'ed by
 * its whole path), as EntryMeta through statx (no Stats object), or lstatSync of the whole path where
 * libc is missing; null when gone. The whole path is only built when something needs it.
 */
function lstatMeta(dirFd: number, name: string, base: string): EntryMeta | null {
  const full = dirFd === AT_FDCWD ? base + name : null;
  const rel = full ?? name;
  const c = hasEscapedBytes(rel) ? toCPath(rel) : cString(rel);
  const err = c === null ? -1 : lstatRawAt(dirFd, c, raw);
  if (err === -1) {
    const whole = base + name;
    const os = toOsPath(whole);
    const st = fs.lstatSync(os, { bigint: true, throwIfNoEntry: false });
    return st === undefined ? null : toMeta(st, os, whole);
  }
  if (err === ENOENT) return null;
  if (err !== 0) throw Object.assign(new Error(`errno ${err}`), { code: ERRNO_CODE[err] ?? `errno ${err}` });
  const kind = KIND_OF[(raw.mode & 0o170000) >> 12] ?? "special";
  const nlink = raw.nlink ?? 1;
  // Attributes: listed relative to the open directory where the kernel can (listxattrat), else by the whole path (`c`).
  const xattrs = kind !== "file" && kind !== "dir" ? undefined : full !== null ? readXattrs(c!, full) : readXattrsAt(dirFd, c!, base, name);
  const link = kind === "symlink" ? toOsPath(base + name) : null;
  return metaOf(kind, kind === "file" ? raw.size : 0, raw.mtimeNs, raw.mode & 0o7777, raw.uid, raw.gid, xattrs, nlink, raw.dev ?? 0n, raw.ino ?? 0n, raw.blocks ?? 0, link);
}

/**
 * The EntryMeta of a listed entry, built once in its final shape: the kept attributes (files and directories; `xattrs`
 * as read), the inode of a non-directory with several names, the block count of a file that may have holes, a
 * symlink's target (read from `link`, the OS path of a symlink; null for other kinds).
 */
function metaOf(kind: EntryKind, size: number, mtimeNs: bigint, mode: number, uid: number, gid: number, xattrs: EntryMeta["xattrs"] | undefined, nlink: number, dev: bigint, ino: bigint, blocks: number, link: string | Buffer | null): EntryMeta {
  const meta: Mutable<EntryMeta> = { kind, size, mtimeNs, mode, uid, gid };
  if (xattrs !== undefined) meta.xattrs = xattrs.length === 0 ? NO_XATTRS : xattrs;
  if (nlink > 1 && (kind === "file" || kind === "symlink")) meta.inode = { dev, ino, nlink };
  if (kind === "file" && mayHaveHoles(size, blocks)) meta.blocks = blocks;
  if (link !== null) meta.linkTarget = fromOsName(fs.readlinkSync(link, { encoding: "buffer" }) as Buffer);
  return meta;
}

/** `s` NUL-terminated in a reused buffer (null when too long for it). */
function cString(s: string): Uint8Array | null {
  const { read, written } = encoder.encodeInto(s, pathBuf.subarray(0, pathBuf.length - 1));
  if (read !== s.length) return null;
  pathBuf[written] = 0;
  return pathBuf;
}

const KIND_OF: Readonly<Record<number, EntryKind>> = { 0o10: "file", 0o4: "dir", 0o12: "symlink" };

const S_IFMT = 0o170000n;
const KIND: ReadonlyMap<bigint, EntryKind> = new Map([
  [0o100000n, "file"],
  [0o040000n, "dir"],
  [0o120000n, "symlink"],
]);

function toMeta(st: fs.BigIntStats, os: string | Buffer, full: string): EntryMeta {
  const kind = KIND.get(st.mode & S_IFMT) ?? "special";
  const xattrs = kind === "file" || kind === "dir" ? readXattrs(toCPath(full), full) : undefined;
  return metaOf(kind, kind === "file" ? Number(st.size) : 0, st.mtimeNs, Number(st.mode & 0o7777n), Number(st.uid), Number(st.gid), xattrs, Number(st.nlink), st.dev, st.ino, Number(st.blocks), kind === "symlink" ? os : null);
}

export { absJoin };

