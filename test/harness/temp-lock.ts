/**
 * Holding a blit temporary the way a live writer does, for tests of temporary cleaning.
 * - `holdLikeWriter(path)`: opens the file and takes an exclusive flock on it (what blit's writer
 *   holds until its rename); `using` closes it, which drops the lock.
 */
import { dlopen, FFIType } from "bun:ffi";
import { closeSync, openSync } from "node:fs";

const LOCK_EX = 2;
const LOCK_NB = 4;
const libc = dlopen("libc.so.6", { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });

export function holdLikeWriter(path: string): Disposable {
  const fd = openSync(path, "r");
  if (libc.symbols.flock(fd, LOCK_EX | LOCK_NB) !== 0) {
    closeSync(fd);
    throw new Error(`could not lock ${path}`);
  }
  return { [Symbol.dispose]: () => closeSync(fd) };
}
