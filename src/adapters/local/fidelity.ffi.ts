/**
 * bun:ffi bindings for the fidelity calls Bun and node:fs have no API for: extended attributes (the path forms never
 * follow a symlink: llistxattr/lgetxattr/lsetxattr/lremovexattr; the descriptor forms flistxattr/fgetxattr/
 * fsetxattr/fremovexattr; listxattrat, Linux 6.13, for an entry of an open directory) and lseek with SEEK_DATA/SEEK_HOLE. Loaded lazily on first use; `hasFidelityCalls()` is
 * false where libc cannot be opened (then no attribute is read or written, and every file counts as dense).
 *
 * Every call returns a count or offset (>= 0) or a negative errno, so callers never read a stale errno.
 * Paths are NUL-terminated bytes (os-path.ts `toCPath`); attribute names are NUL-terminated bytes too.
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";

type Lib = ReturnType<typeof open>;
let lib: Lib | null | undefined;

const SSIZE = FFIType.i64;
const SIZE = FFIType.u64;

function open() {
  return dlopen("libc.so.6", {
    llistxattr: { args: [FFIType.ptr, FFIType.ptr, SIZE], returns: SSIZE },
    flistxattr: { args: [FFIType.i32, FFIType.ptr, SIZE], returns: SSIZE },
    lgetxattr: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, SIZE], returns: SSIZE },
    fgetxattr: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr, SIZE], returns: SSIZE },
    lsetxattr: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, SIZE, FFIType.i32], returns: FFIType.i32 },
    fsetxattr: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr, SIZE, FFIType.i32], returns: FFIType.i32 },
    lremovexattr: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    fremovexattr: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
    lseek: { args: [FFIType.i32, FFIType.i64, FFIType.i32], returns: FFIType.i64 },
    // syscall(SYS_listxattrat, dirfd, path, at_flags, list, size)
    syscall: { args: [FFIType.i64, FFIType.i32, FFIType.ptr, FFIType.u32, FFIType.ptr, SIZE], returns: SSIZE },
    __errno_location: { args: [], returns: FFIType.ptr },
  });
}

function libc(): Lib | null {
  if (lib === undefined) {
    try {
      lib = process.platform === "linux" ? open() : null;
    } catch {
      lib = null;
    }
  }
  return lib;
}

/** True when the attribute and extent calls are available. */
export const hasFidelityCalls = (): boolean => libc() !== null;

/** errno values the fidelity modules tell apart (Linux). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ENXIO: 6,
  E2BIG: 7,
  EACCES: 13,
  ENOTDIR: 20,
  EINVAL: 22,
  ENOSPC: 28,
  EROFS: 30,
  ERANGE: 34,
  ENOSYS: 38,
  ENODATA: 61,
  EOPNOTSUPP: 95,
} as const;

const NO_LIB = -ERRNO.ENOSYS;

/** Where an attribute call acts: an open descriptor, or a path (NUL-terminated) whose final symlink is not followed. */
export type XattrTarget = number | Uint8Array;

/** The NUL-separated attribute names of `target` into `out`; returns the byte length or a negative errno. */
export function listXattrs(target: XattrTarget, out: Uint8Array): number {
  const l = libc();
  if (l === null) return NO_LIB;
  const n = typeof target === "number"
    ? l.symbols.flistxattr(target, ptr(out), out.length)
    : l.symbols.llistxattr(ptr(target), ptr(out), out.length);
  return result(l, Number(n));
}

/**
 * listxattrat(dirFd, name, AT_SYMLINK_NOFOLLOW): the names of entry `name` (NUL-terminated, one component) of the
 * directory open as `dirFd` into `out`, the kernel resolving one component instead of a whole path (a listing
 * spends ~0.5 µs an entry less on tmpfs). Returns the byte length or a negative errno; -ENOSYS where the kernel
 * (< 6.13) or platform has no listxattrat or a seccomp filter refuses it (EPERM), which is then not tried again.
 */
export function listXattrsAt(dirFd: number, name: Uint8Array, out: Uint8Array): number {
  const l = libc();
  if (l === null || !listAtWorks) return NO_LIB;
  const nr = SYS_LISTXATTRAT[process.arch];
  if (nr === undefined) return NO_LIB;
  const n = result(l, Number(l.symbols.syscall(nr, dirFd, ptr(name), AT_SYMLINK_NOFOLLOW, ptr(out), out.length)));
  // EPERM is no answer listxattr gives: a seccomp policy refused the call (systemd's SystemCallFilter= with
  // SystemCallErrorNumber=EPERM, a container profile older than the call), as ENOSYS says the kernel lacks it.
  if (n !== -ERRNO.ENOSYS && n !== -ERRNO.EPERM) return n;
  listAtWorks = false;
  return NO_LIB;
}

/** listxattrat's syscall number for a native caller (dir-list.c); 0 where the platform or kernel has no listxattrat. */
export function listXattrsAtNumber(): number {
  return libc() !== null && listAtWorks ? (SYS_LISTXATTRAT[process.arch] ?? 0) : 0;
}

/** The value of attribute `name` (NUL-terminated) into `out`; returns its length or a negative errno (-ENODATA: absent). */
export function getXattr(target: XattrTarget, name: Uint8Array, out: Uint8Array): number {
  const l = libc();
  if (l === null) return NO_LIB;
  const n = typeof target === "number"
    ? l.symbols.fgetxattr(target, ptr(name), ptr(out), out.length)
    : l.symbols.lgetxattr(ptr(target), ptr(name), ptr(out), out.length);
  return result(l, Number(n));
}

/** Sets attribute `name` (NUL-terminated) to `value`, creating or replacing it; returns 0 or a negative errno. */
export function setXattr(target: XattrTarget, name: Uint8Array, value: Uint8Array): number {
  const l = libc();
  if (l === null) return NO_LIB;
  // bun:ffi cannot take a pointer to an empty buffer; an empty value is passed as one unused byte with length 0.
  const v = value.length === 0 ? EMPTY : value;
  const rc = typeof target === "number"
    ? l.symbols.fsetxattr(target, ptr(name), ptr(v), value.length, 0)
    : l.symbols.lsetxattr(ptr(target), ptr(name), ptr(v), value.length, 0);
  return result(l, rc);
}

/** Removes attribute `name` (NUL-terminated); returns 0 or a negative errno (-ENODATA: it was absent). */
export function removeXattr(target: XattrTarget, name: Uint8Array): number {
  const l = libc();
  if (l === null) return NO_LIB;
  const rc = typeof target === "number" ? l.symbols.fremovexattr(target, ptr(name)) : l.symbols.lremovexattr(ptr(target), ptr(name));
  return result(l, rc);
}

export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

/** lseek(fd, offset, whence); returns the new offset or a negative errno (-ENXIO: no data at or after `offset`). */
export function seek(fd: number, offset: number, whence: number): number {
  const l = libc();
  if (l === null) return NO_LIB;
  return result(l, Number(l.symbols.lseek(fd, offset, whence)));
}

// --- internal ---

/** listxattrat's number: one table for every architecture since Linux 5.1 (not alpha). */
const SYS_LISTXATTRAT: Partial<Record<string, number>> = { x64: 465, arm64: 465 };
const AT_SYMLINK_NOFOLLOW = 0x100;
let listAtWorks = true;

const EMPTY = new Uint8Array(1);

function result(l: Lib, rc: number): number {
  if (rc >= 0) return rc;
  const p = l.symbols.__errno_location();
  return p === null ? -ERRNO.EINVAL : -read.i32(p, 0);
}
