/**
 * Running the real `blit` CLI (`bin/blit`) in a child process.
 * - `runProgram(bin, args, options)`: the same for another launcher (see run-utils.ts).
 * - `runCli(args, { env, cwd, stdin, asUser })`: spawns it, reads stdout and stderr concurrently,
 *   returns `{ stdout, stderr, exitCode, json }` (`json` when stdout is exactly one JSON object).
 *   Local telemetry is off; stdin is not a terminal ("ignore") unless text is given.
 * - `expectExit(result, code)`: throws with the command and its output when the exit code differs.
 * - `summaryCounts(result)`: the counters of a `--json` summary, for one `toEqual`.
 * - `SUMMARY_KEYS`: the fields of a `--json` transfer summary (SPEC §3), sorted.
 * - `stderrLines(result)`: stderr split into non-empty lines.
 * - `BLIT`: the absolute path of the launcher (`BLIT_E2E_BIN` overrides it).
 * - `HARNESS_CONFIG_HOME` / `KNOWN_HOSTS_FILE`: the XDG_CONFIG_HOME every run gets unless `env` names
 *   one (a temp dir of this test process, removed at exit); daemons started by harness/daemon.ts
 *   record their `HOST:PORT sha256:…` line in its known_hosts, so every run trusts them over TLS.
 *   It is also this test process's XDG_CONFIG_HOME, so programs a test spawns itself do too.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { removeAtRunEnd } from "./run-dirs.ts";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dir, "../..");
/** The launcher under test; BLIT_E2E_BIN points the suite at another build (e.g. dist/blit). */
export const BLIT = process.env.BLIT_E2E_BIN ?? resolve(REPO_ROOT, "bin/blit");

export const HARNESS_CONFIG_HOME = mkdtempSync(join(tmpdir(), "blit-e2e-config-"));
removeAtRunEnd(HARNESS_CONFIG_HOME);
mkdirSync(join(HARNESS_CONFIG_HOME, "blit"), { recursive: true });
// Readable by the unprivileged user some tests run programs as (it holds public fingerprints only).
chmodSync(HARNESS_CONFIG_HOME, 0o755);
export const KNOWN_HOSTS_FILE = join(HARNESS_CONFIG_HOME, "blit", "known_hosts");
// Programs a test spawns itself (Bun.spawn with process.env) trust the harness daemons too.
process.env.XDG_CONFIG_HOME = HARNESS_CONFIG_HOME;
process.once("exit", () => rmSync(HARNESS_CONFIG_HOME, { recursive: true, force: true }));

export interface RunOptions {
  /** Added to the environment (telemetry is disabled unless given here; undefined unsets a variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Bytes fed on stdin; default: no stdin at all (not a terminal). */
  readonly stdin?: string | Uint8Array;
  /** Run as this user (through setpriv); used where root would ignore mode bits. */
  readonly asUser?: { readonly uid: number; readonly gid: number } | null;
}

export interface CliResult {
  readonly args: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** stdout parsed, when it holds exactly one JSON object. */
  readonly json?: Record<string, unknown>;
}

/** Runs `blit ...args` to completion. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runProgram(BLIT, args, options);
}

/** Runs the launcher `bin` (e.g. bin/blit-utils) with `args` to completion. */
export async function runProgram(bin: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const user = options.asUser;
  const prefix = user ? ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--"] : [];
  const proc = Bun.spawn([...prefix, bin, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: definedOnly({ ...process.env, XDG_CONFIG_HOME: HARNESS_CONFIG_HOME, BLIT_DISABLE_LOCAL_TELEMETRY: "1", NO_COLOR: "1", ...options.env }),
    stdin: options.stdin === undefined ? "ignore" : typeof options.stdin === "string" ? new TextEncoder().encode(options.stdin) : options.stdin,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const json = parseObject(stdout);
  return json === undefined ? { args, stdout, stderr, exitCode } : { args, stdout, stderr, exitCode, json };
}

/** Asserts the exit code; the error shows the command, stdout and stderr. */
export function expectExit(result: CliResult, code: number): void {
  if (result.exitCode !== code) throw new Error(`expected exit ${code}, got ${result.exitCode}\n${describe(result)}`);
}

/** The fields of a `--json` transfer summary (SPEC §3 "Output", and how the run ended), sorted. */
export const SUMMARY_KEYS: readonly string[] = [
  "operation", "source", "destination", "route", "transport", "dry_run", "files_examined", "files_transferred",
  "files_skipped", "bytes_transferred", "entries_deleted", "sources_removed", "files_failed", "files_verified", "files_resent", "failures", "duration_ms",
  "bytes_per_sec", "zero_copy_bytes", "tls", "fallback_reason", "outcome", "attempts", "exit_code", "error",
].sort();

/** The counters of a `--json` transfer summary (throws when there is no summary). */
export function summaryCounts(result: CliResult): {
  files_examined: unknown;
  files_transferred: unknown;
  files_skipped: unknown;
  entries_deleted: unknown;
  files_failed: unknown;
  outcome: unknown;
} {
  const s = result.json;
  if (s === undefined) throw new Error(`no JSON summary on stdout\n${describe(result)}`);
  const { files_examined, files_transferred, files_skipped, entries_deleted, files_failed, outcome } = s;
  return { files_examined, files_transferred, files_skipped, entries_deleted, files_failed, outcome };
}

/** Non-empty stderr lines. */
export const stderrLines = (result: CliResult): string[] => result.stderr.split("\n").filter((l) => l.trim() !== "");

/** Non-empty stdout lines. */
export const stdoutLines = (result: CliResult): string[] => result.stdout.split("\n").filter((l) => l.trim() !== "");

/** The command and its output, for failure messages. */
export function describe(result: CliResult): string {
  return `$ blit ${result.args.join(" ")}\nexit ${result.exitCode}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}

// --- internal ---

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
