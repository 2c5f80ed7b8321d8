/**
 * Opening, creating and renaming by name in an open parent directory when the path is one
 * beneath.ts makes (`/proc/self/fd/N/name`): openat and renameat on descriptor N resolve the same
 * entry as the path does, without the kernel walking /proc for every call (measured on tmpfs: a
 * rename 11.1 → 7.6 µs of CPU). Any other path, or no libc, goes through node:fs.
 */
import * as fs from "node:fs";
import { openAt, renameAt } from "./libc.ffi.ts";
import { toCPath, type OsPath } from "./os-path.ts";

const { O_RDWR, O_CREAT, O_EXCL } = fs.constants;
const O_CLOEXEC = 0o2000000;
const IN_FD = /^\/proc\/self\/fd\/(\d+)\/([^/]+)$/;
/** errno → the code node:fs would report (what to-blit-error.ts maps); others as "E<n>". */
const CODES: Readonly<Record<number, string>> = {
  1: "EPERM", 2: "ENOENT", 4: "EINTR", 5: "EIO", 6: "ENXIO", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES", 16: "EBUSY",
  17: "EEXIST", 18: "EXDEV", 19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL", 23: "ENFILE", 24: "EMFILE",
  26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 30: "EROFS", 36: "ENAMETOOLONG", 39: "ENOTEMPTY", 40: "ELOOP", 75: "EOVERFLOW",
  122: "EDQUOT",
};

/** Creates new file `path` (O_RDWR | O_CREAT | O_EXCL) with `mode`; throws as fs.openSync does. */
export function createExclusive(path: string, os: OsPath, mode: number): number {
  const at = IN_FD.exec(path);
  const fd = at === null ? null : openAt(Number(at[1]), toCPath(at[2]!), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd === null) return fs.openSync(os, O_RDWR | O_CREAT | O_EXCL, mode);
  if (fd < 0) throw errnoError(-fd, "open", path);
  return fd;
}

/**
 * Opens existing `os` with `flags` (no O_CREAT); throws as fs.openSync does. Through openat on
 * the parent's descriptor when `os` is such a path (a name with escaped bytes is a Buffer: node:fs).
 */
export function openExisting(os: OsPath, flags: number): number {
  const at = typeof os === "string" ? IN_FD.exec(os) : null;
  const fd = at === null ? null : openAt(Number(at[1]), toCPath(at[2]!), flags | O_CLOEXEC, 0);
  if (fd === null) return fs.openSync(os, flags);
  if (fd < 0) throw errnoError(-fd, "open", String(os));
  return fd;
}

/** Renames `from` (OS path `fromOs`) to `to` in the same directory; throws as fs.renameSync does. */
export function renameInDir(from: string, fromOs: OsPath, to: string, toOs: OsPath): void {
  const a = IN_FD.exec(from);
  const b = a === null ? null : IN_FD.exec(to);
  const err = a === null || b === null ? null : renameAt(Number(a[1]), toCPath(a[2]!), Number(b[1]), toCPath(b[2]!));
  if (err === null) return fs.renameSync(fromOs, toOs);
  if (err !== 0) throw errnoError(err, "rename", from);
}

function errnoError(errno: number, syscall: string, path: string): Error {
  const code = CODES[errno] ?? `E${errno}`;
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, errno: -errno, syscall, path });
}
