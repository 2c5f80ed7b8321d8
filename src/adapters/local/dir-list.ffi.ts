/**
 * The native directory lister (dir-list.c): the entries of an open directory with their statx and listxattrat answers
 * in one call per buffer, compiled at run time by bun:ffi's cc (TinyCC, built into Bun) in each thread that lists
 * enough to repay it. The C source travels inside the program; TinyCC reads it from a private temporary directory
 * that goes as soon as it is compiled. Where it cannot be built (no cc, no writable temporary directory, another
 * platform) listings keep the per-entry calls of fs-read.ts.
 */
import { cc, FFIType } from "bun:ffi";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { listXattrsAtNumber } from "./fidelity.ffi.ts";
import source from "./dir-list.c" with { type: "text" };

/** Bytes before a record's name (dir-list.c's layout). */
export const RECORD_HEAD = 70;
/** A record's listxattrat answer when the names were not listed. */
export const NOT_ASKED = -1000;
/** The listxattrat buffer: names past it answer -ERANGE and are listed again by path. */
const NAMES_BYTES = 4096;
/**
 * Entries a thread lists through the per-entry calls before it compiles the lister: compiling costs ~3 ms of CPU,
 * what the lister saves on ~3,000 entries (0.5–1 µs an entry on tmpfs), so short runs never pay it.
 */
const WARM_ENTRIES = 3000;

const GETDENTS64: Partial<Record<string, number>> = { x64: 217, arm64: 61 };

type ListFn = (fd: number, out: Uint8Array, cap: number, dents: Uint8Array, dentsCap: number, names: Uint8Array, namesCap: number, getdents: number, listxattrat: number) => number;

let list: ListFn | null | undefined;
let listedWithout = 0;
/** The compiled library, kept referenced for as long as the thread runs (its code is freed with it). */
let library: unknown;
const dents = new Uint8Array(32 * 1024);
const names = new Uint8Array(NAMES_BYTES);

/**
 * Fills `out` with the next records of directory `fd` (see dir-list.c): the bytes written, 0 at the end, -errno when
 * the directory cannot be read; null when the native lister is not in use (not yet, or not buildable here).
 */
export function listRecords(fd: number, out: Uint8Array): number | null {
  const fn = list === undefined && listedWithout >= WARM_ENTRIES ? build() : list;
  if (fn == null) return null;
  return fn(fd, out, out.length, dents, dents.length, names, names.length, GETDENTS64[process.arch]!, listXattrsAtNumber());
}

/** Counts entries listed without the native lister (it is built once a thread has listed WARM_ENTRIES of them). */
export function countListedWithout(entries: number): void {
  listedWithout += entries;
}

/** Builds the lister now (tests); false where it cannot be built. */
export function buildNativeLister(): boolean {
  return (list === undefined ? build() : list) !== null;
}

/** Stops (false) or resumes (true) using the native lister in this thread (tests compare both paths). */
export function useNativeLister(on: boolean): void {
  list = on ? undefined : null;
  listedWithout = on ? WARM_ENTRIES : 0;
}

function build(): ListFn | null {
  list = null;
  if (process.platform !== "linux" || GETDENTS64[process.arch] === undefined) return null;
  let dir: string | undefined;
  try {
    dir = mkdtempSync(`${tmpdir()}/blit-cc-`);
    const path = `${dir}/dir-list.c`;
    writeFileSync(path, source, { mode: 0o600, flag: "wx" });
    const { i32, ptr } = FFIType;
    const lib = cc({ source: path, symbols: { blit_list: { args: [i32, ptr, i32, ptr, i32, ptr, i32, i32, i32], returns: i32 } } });
    library = lib;
    list = lib.symbols.blit_list as unknown as ListFn;
  } catch {
    list = null;
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
  return list;
}
