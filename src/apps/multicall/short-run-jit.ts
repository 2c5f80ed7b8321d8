/**
 * The client programs (blit, blit-utils) run with JavaScriptCore's top JIT tier (FTL) off.
 *
 * Why: a client process lives for one run. FTL compiles the hot per-file functions a second time,
 * on compiler threads that take CPU from the transfer on a 2-core machine; its faster code rarely
 * pays that back before the run ends (measured, compiled binaries, interleaved: 20,000 × 4 KiB pull
 * 1.154 → 1.038 s, local copy 0.522 → 0.473 s, 100,000-file local no-op 0.675 → 0.594 s, 1 GiB no
 * slower; DEVLOG 2026-12-04). The daemon keeps FTL: it lives for days.
 *
 * How: JSC reads its options once, from `BUN_JSC_*` variables, before any code runs, and a compiled
 * program cannot set them for itself. So the program execs itself once with `BUN_JSC_useFTLJIT=0`
 * added: execve(2) of /proc/self/exe with the exact argv and environment bytes it was started with
 * (/proc/self/cmdline, /proc/self/environ), so nothing is re-encoded, and the PID, descriptors and
 * terminal stay the same. The kernel names a process after the file it executes, so the new image would
 * be called "exe" in ps, top, pgrep and killall: the name the process had (/proc/self/comm, e.g. "blit"
 * or "blit-utils") travels in the mark and is written back to /proc/self/comm first thing. The
 * re-executed process removes both variables from `process.env` (the client programs start no other
 * programs). A `BUN_JSC_useFTLJIT` set by the caller is left alone
 * (no re-exec); when /proc or execve is unavailable the program simply runs with the default tiers.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";
import { readFileSync, writeFileSync } from "node:fs";

export const FTL_OPTION = "BUN_JSC_useFTLJIT";
/**
 * Set only in the environment of the re-executed process: "1", then ":" and the process's name before
 * the exec in hex when it could be read.
 */
export const REEXEC_MARK = "BLIT_SHORT_RUN_JIT";

/**
 * Re-executes this process with FTL off, unless it already is the re-executed one or the caller
 * chose the option. Returns only when no re-exec happened (or execve failed).
 */
export function execWithoutFtl(): void {
  const mark = process.env[REEXEC_MARK];
  if (mark !== undefined) {
    if (mark === "1" || mark.startsWith("1:")) {
      delete process.env[FTL_OPTION];
      restoreName(mark.slice(2));
    }
    delete process.env[REEXEC_MARK];
    return;
  }
  if (process.platform !== "linux" || process.env[FTL_OPTION] !== undefined) return;
  let argv: Buffer;
  let environ: Buffer;
  try {
    argv = readFileSync("/proc/self/cmdline");
    environ = readFileSync("/proc/self/environ");
  } catch {
    return;
  }
  if (argv.length === 0) return;
  const added = Buffer.from(`${FTL_OPTION}=0\0${REEXEC_MARK}=1${nameNow()}\0`);
  const env = Buffer.concat([environ, environ.length > 0 && environ.at(-1) !== 0 ? Buffer.from([0]) : Buffer.alloc(0), added]);
  const args = argv.at(-1) === 0 ? argv : Buffer.concat([argv, Buffer.from([0])]);
  const path = Buffer.from("/proc/self/exe\0");
  let libc: ReturnType<typeof openLibc>;
  try {
    libc = openLibc();
  } catch {
    return;
  }
  const argvTable = pointerTable(args);
  const envTable = pointerTable(env);
  // JSC suspends threads with SIGPWR (its collector, its sampling profiler). One sent to this
  // thread while execve runs would stay pending into the new program, which has no handler for it
  // yet, and end it ("killed by SIGPWR", seen under --cpu-prof). Blocked, it waits harmlessly: the
  // new runtime unblocks it once its handler is in place (measured: a SIGPWR raised while blocked
  // before execve is absorbed). Ignoring it instead would make the new JSC warn on stderr.
  const blocked = new BigUint64Array(SIGSET_WORDS);
  blocked[0] = 1n << BigInt(SIGPWR - 1);
  const previous = new BigUint64Array(SIGSET_WORDS);
  libc.symbols.pthread_sigmask(SIG_BLOCK, blocked, previous);
  libc.symbols.execve(path, argvTable, envTable);
  // Still here: execve failed (e.g. /proc/self/exe not executable under this sandbox); run as is.
  libc.symbols.pthread_sigmask(SIG_SETMASK, previous, null);
}

/** ":" and this process's name (/proc/self/comm without its newline) in hex; "" when unreadable. */
function nameNow(): string {
  try {
    const comm = readFileSync("/proc/self/comm");
    const end = comm.at(-1) === 0x0a ? comm.length - 1 : comm.length;
    return end > 0 ? `:${comm.subarray(0, end).toString("hex")}` : "";
  } catch {
    return "";
  }
}

/** Names this process `hex` (bytes in hex) again, as /proc/self/comm; left as is when that fails. */
function restoreName(hex: string): void {
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return;
  try {
    writeFileSync("/proc/self/comm", Buffer.from(hex, "hex"));
  } catch {
    // A read-only /proc: the process keeps the name "exe".
  }
}

/** Linux's SIGPWR (x86-64 and arm64), pthread_sigmask's `how` values, glibc's sigset_t in 64-bit words. */
const SIGPWR = 30;
const SIG_BLOCK = 0;
const SIG_SETMASK = 2;
const SIGSET_WORDS = 16;

function openLibc() {
  return dlopen("libc.so.6", {
    execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    pthread_sigmask: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  });
}

/** A NULL-terminated char*[] pointing at each NUL-terminated string in `block`. */
function pointerTable(block: Buffer): BigUint64Array {
  const base = BigInt(ptr(block));
  const starts: number[] = [];
  let start = 0;
  for (let i = 0; i < block.length; i++) {
    if (block[i] !== 0) continue;
    starts.push(start);
    start = i + 1;
  }
  const table = new BigUint64Array(starts.length + 1);
  starts.forEach((offset, i) => (table[i] = base + BigInt(offset)));
  return table;
}
