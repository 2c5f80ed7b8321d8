import { dlopen, FFIType } from "bun:ffi";

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

let lib: { symbols: { flock: (fd: number, op: number) => number } } | null | undefined;

function libc() {
  if (lib !== undefined) return lib;
  try {
    lib = dlopen("libc.so.6", { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
  } catch {
    lib = null;
  }
  return lib;
}

/** flock(LOCK_EX | LOCK_NB): true when taken. The kernel drops it when the process dies. Without libc: true (no locking). */
export function tryLockExclusive(fd: number): boolean {
  const l = libc();
  return l === null ? true : l.symbols.flock(fd, LOCK_EX | LOCK_NB) === 0;
}

export function unlock(fd: number): void {
  libc()?.symbols.flock(fd, LOCK_UN);
}
