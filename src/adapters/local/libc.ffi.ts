/**
 * The local adapter's bun:ffi binding for copy and metadata calls (fidelity.ffi.ts binds the attribute and extent
 * ones): libc calls Bun has no API for (nanosecond timestamps, copy_file_range, syncfs, openat2, statx, flock).
 * openat and renameat resolve one name from an open directory. Loaded lazily on first use; when libc cannot be opened the callers fall back to portable node:fs calls.
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";

/** The dirfd that makes an *at call resolve its path from the working directory. */
export const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
/** timespec.tv_nsec value that leaves a time unchanged. */
const UTIME_OMIT = (1 << 30) - 2;

type Libc = ReturnType<typeof open>;
let libc: Libc | null | undefined;

function open() {
  return dlopen("libc.so.6", {
    futimens: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
    utimensat: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    copy_file_range: {
      args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.u32],
      returns: FFIType.i64,
    },
    syncfs: { args: [FFIType.i32], returns: FFIType.i32 },
    statx: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
    syscall: { args: [FFIType.i64, FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
    flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    openat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
    renameat: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  });
}

function lib(): Libc | null {
  if (libc === undefined) {
    try {
      libc = process.platform === "linux" ? open() : null;
    } catch {
      libc = null;
    }
  }
  return libc;
}

/** True when the zero-copy and nanosecond calls are available. */
export const hasLibc = (): boolean => lib() !== null;

function errno(l: Libc): number {
  const p = l.symbols.__errno_location();
  return p === null ? 0 : read.i32(p, 0);
}

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;

/**
 * flock(LOCK_EX | LOCK_NB), or LOCK_SH with `shared`, on `fd`: true when taken, false when another open file description
 * holds it (in this process or another). The kernel drops the lock when the last descriptor of its
 * open file description closes, so also when the process dies, however it dies. Null without libc.
 */
export function tryFlock(fd: number, shared = false): boolean | null {
  const l = lib();
  if (l === null) return null;
  return l.symbols.flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) === 0;
}

const times = new BigInt64Array(4);
function fillTimes(mtimeNs: bigint): void {
  times[0] = 0n;
  times[1] = BigInt(UTIME_OMIT);
  times[2] = mtimeNs / 1_000_000_000n;
  times[3] = mtimeNs % 1_000_000_000n;
}

/** Sets an open file's mtime to the nanosecond. Returns errno (0 on success), -1 without libc. */
export function setFdMtime(fd: number, mtimeNs: bigint): number {
  const l = lib();
  if (l === null) return -1;
  fillTimes(mtimeNs);
  return l.symbols.futimens(fd, ptr(times)) === 0 ? 0 : errno(l);
}

/** Sets a path's mtime (not following a final symlink). Returns errno, -1 without libc. */
export function setPathMtime(path: Uint8Array, mtimeNs: bigint): number {
  const l = lib();
  if (l === null) return -1;
  fillTimes(mtimeNs);
  return l.symbols.utimensat(AT_FDCWD, ptr(path), ptr(times), AT_SYMLINK_NOFOLLOW) === 0 ? 0 : errno(l);
}

const offsets = new BigInt64Array(2);

/**
 * copy_file_range from `fdIn` at `posIn` to `fdOut` at `posOut` (fd offsets are not used). Returns
 * bytes copied (0 at EOF) or a negative errno (EXDEV, ENOSYS, EINVAL… mean: use the buffered
 * path); -ENOSYS without libc.
 */
export function copyFileRange(fdIn: number, posIn: number, fdOut: number, posOut: number, length: number): number {
  const l = lib();
  if (l === null) return -38;
  offsets[0] = BigInt(posIn);
  offsets[1] = BigInt(posOut);
  const n = Number(l.symbols.copy_file_range(fdIn, ptr(offsets, 0), fdOut, ptr(offsets, 8), length, 0));
  return n >= 0 ? n : -errno(l);
}

/** syncfs(2) on the filesystem holding fd. Returns errno (0 on success), -1 without libc. */
export function syncFs(fd: number): number {
  const l = lib();
  if (l === null) return -1;
  return l.symbols.syncfs(fd) === 0 ? 0 : errno(l);
}

/** openat(dirFd, name, flags, mode): the new descriptor, a negative errno, or null without libc. */
export function openAt(dirFd: number, name: Uint8Array, flags: number, mode: number): number | null {
  const l = lib();
  if (l === null) return null;
  const fd = l.symbols.openat(dirFd, ptr(name), flags, mode);
  return fd >= 0 ? fd : -errno(l);
}

/** renameat(fromDir, from, toDir, to): 0, a positive errno, or null without libc. */
export function renameAt(fromDir: number, from: Uint8Array, toDir: number, to: Uint8Array): number | null {
  const l = lib();
  if (l === null) return null;
  return l.symbols.renameat(fromDir, ptr(from), toDir, ptr(to)) === 0 ? 0 : errno(l);
}

const SYS_OPENAT2: Partial<Record<string, number>> = { x64: 437, arm64: 437 };
const RESOLVE_NO_MAGICLINKS = 0x02;
const RESOLVE_BENEATH = 0x08;
const openHow = new BigUint64Array(3);

/**
 * openat2(dirfd, path, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): opens `path` relative to
 * `dirFd` only if resolving it never leaves that directory (no `..` above it, no absolute symlink,
 * no symlink pointing out). Returns the new fd, or a negative errno: -EXDEV when the path would
 * escape, -ENOSYS where the kernel (< 5.6) or platform lacks openat2.
 */
export function openBeneath(dirFd: number, path: Uint8Array, flags: number): number {
  const l = lib();
  const nr = SYS_OPENAT2[process.arch];
  if (l === null || nr === undefined) return -38;
  openHow[0] = BigInt(flags);
  openHow[1] = 0n;
  openHow[2] = BigInt(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
  const fd = Number(l.symbols.syscall(nr, dirFd, ptr(path), ptr(openHow), 24));
  return fd >= 0 ? fd : -errno(l);
}

/** What lstat tells the planner, read from a statx buffer without allocating a Stats object. */
export interface RawStat {
  /** st_mode: type and permission bits. */
  mode: number;
  size: number;
  mtimeNs: bigint;
  uid: number;
  gid: number;
  /**
   * Hard-link count, inode number and device (as glibc's makedev packs it, as node:fs reports `dev`); lstatRawAt
   * reads the inode and device only of a non-directory with several names (0n otherwise).
   */
  nlink?: number;
  ino?: bigint;
  dev?: bigint;
  /** 512-byte blocks allocated (fewer than the size says: the file has holes). */
  blocks?: number;
}

const STATX_BASIC = 0x7ff;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const statxBuf = new Uint8Array(256);
const statxView = new DataView(statxBuf.buffer);

/**
 * statx(dirFd, path, AT_SYMLINK_NOFOLLOW) into `out`: lstat without a Stats object (listing 100k
 * entries spends most of its time here), `path` resolved from the open directory `dirFd`, so a
 * listing's kernel resolves one component an entry instead of the whole path (~20 % less CPU an
 * entry measured on tmpfs), or from the working directory with AT_FDCWD. Returns 0, a positive
 * errno, or -1 without libc (use lstat).
 */
export function lstatRawAt(dirFd: number, path: Uint8Array, out: RawStat): number {
  const l = lib();
  if (l === null) return -1;
  if (l.symbols.statx(dirFd, ptr(path), AT_SYMLINK_NOFOLLOW, STATX_BASIC, ptr(statxBuf)) !== 0) return errno(l);
  out.uid = statxView.getUint32(20, true);
  out.gid = statxView.getUint32(24, true);
  out.mode = statxView.getUint16(28, true);
  out.size = Number(statxView.getBigUint64(40, true));
  out.mtimeNs = statxView.getBigInt64(112, true) * 1_000_000_000n + BigInt(statxView.getUint32(120, true));
  out.nlink = statxView.getUint32(16, true);
  out.blocks = Number(statxView.getBigUint64(48, true));
  // The inode and device only matter for a non-directory with several names (hard links): BigInt work skipped otherwise.
  const linked = out.nlink > 1 && (out.mode & S_IFMT) !== S_IFDIR;
  out.ino = linked ? statxView.getBigUint64(32, true) : 0n;
  out.dev = linked ? makedev(statxView.getUint32(136, true), statxView.getUint32(140, true)) : 0n;
  return 0;
}

/** lstatRawAt of a path resolved from the working directory. */
export function lstatRaw(path: Uint8Array, out: RawStat): number {
  return lstatRawAt(AT_FDCWD, path, out);
}

/** glibc's makedev: the st_dev number of a device's major and minor. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}
