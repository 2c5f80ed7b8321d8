/**
 * Builds test/fixtures/seccomp/refuse-calls.c with gcc, once per test process: a launcher that runs a program under a
 * seccomp filter answering the listed system call numbers with EPERM, as systemd's `SystemCallFilter=` with
 * `SystemCallErrorNumber=EPERM` and container runtimes' default profiles answer calls they do not know.
 * `refuseCallsUnavailable` says why it cannot be built here (then the tests that need it are skipped, naming the
 * reason; .ci/run installs gcc so CI never skips).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { removeAtRunEnd } from "./run-dirs.ts";

const SOURCE = resolve(import.meta.dir, "../fixtures/seccomp/refuse-calls.c");

/** listxattrat (Linux 6.13), one number on every architecture blit builds for. */
export const SYS_LISTXATTRAT = 465;

export const refuseCallsUnavailable: string | null =
  process.platform !== "linux" ? "seccomp is Linux-only" : !["x64", "arm64"].includes(process.arch) ? `no seccomp launcher for ${process.arch}` : Bun.which("gcc") === null ? "gcc is not installed" : null;

let built: string | null = null;

/** `argv` prefixed with the launcher, so that the calls numbered `nrs` fail with EPERM in it and its children. */
export function refusing(nrs: readonly number[], argv: readonly string[]): string[] {
  if (built === null) {
    const out = join(mkdtempSync(join(tmpdir(), "blit-refuse-calls-")), "refuse-calls");
    removeAtRunEnd(dirname(out));
    const cc = Bun.spawnSync(["gcc", "-O2", "-Wall", "-o", out, SOURCE], { stderr: "pipe" });
    if (cc.exitCode !== 0) throw new Error(`gcc could not build the seccomp launcher: ${cc.stderr.toString()}`);
    built = out;
  }
  return [built, nrs.join(","), "--", ...argv];
}
