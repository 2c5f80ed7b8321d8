import { BlitError, isBlitError } from "../../domain/errors.ts";
import { EXIT_CODE, exitCodeFor } from "../../domain/exit-codes.ts";
import type { TransferSummary } from "../../domain/summary.ts";
import { err, out } from "./output.ts";

/**
 * The one place the three programs turn an outcome into words and an exit code (the table is
 * SPEC §3, in domain/exit-codes.ts): a thrown error, a finished transfer, a finished check.
 */

/** The programs; every message starts with the name of the one that printed it. */
export type Program = "blit" | "blit-utils" | "blit-daemon";

/**
 * Prints `<program>: <message>` on stderr and returns the exit code of `e`; a value that is not a
 * BlitError is a bug (70; its stack with BLIT_DEBUG=1). With `json` it also prints the one JSON
 * object of a failed command on stdout: `{"error":{"code":…,"message":…},"exit_code":N}`.
 */
export function reportError(program: Program, e: unknown, json = false): number {
  const code = exitCodeFor(e);
  err(`${program}: ${isBlitError(e) ? e.message : `internal error (a bug): ${internalText(e)}`}\n`);
  if (json) out(`${JSON.stringify(failureJson(e, code))}\n`);
  return code;
}

/** The `error` member of a JSON answer for `e`: its code and message (INTERNAL for a bug). */
export function errorJson(e: unknown): { readonly code: string; readonly message: string } {
  return isBlitError(e) ? { code: e.code, message: e.message } : { code: "INTERNAL", message: e instanceof Error ? e.message : String(e) };
}

/** The exit code of a run ended by SIGINT/SIGTERM, and the error that says so. */
export const CANCELLED_EXIT = EXIT_CODE.CANCELLED;
export const cancelledError = (): BlitError => new BlitError("CANCELLED", "cancelled by the user");

/**
 * The exit code of a finished transfer: 0 for success or a clean dry run; when entries failed, 10
 * or 9 if every failure was NO_SPACE or CORRUPT_DATA, otherwise 8 (partial).
 */
export function summaryExitCode(summary: TransferSummary): number {
  if (summary.failures.length === 0 && (summary.outcome === "success" || summary.outcome === "dry-run")) return 0;
  const codes = new Set(summary.failures.map((f) => f.code));
  const [only] = codes;
  if (codes.size === 1 && (only === "NO_SPACE" || only === "CORRUPT_DATA")) return EXIT_CODE[only];
  return EXIT_CODE.PARTIAL;
}

/** The exit code of a finished `blit check`: 0 when the trees are identical, 1 when they differ. */
export const checkExitCode = (identical: boolean): number => (identical ? 0 : EXIT_CODE.DIFFERENCES);

// --- internal ---

function failureJson(e: unknown, exitCode: number): { error: { code: string; message: string }; exit_code: number } {
  return { error: errorJson(e), exit_code: exitCode };
}

function internalText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return process.env.BLIT_DEBUG === "1" ? (e.stack ?? e.message) : e.message;
}
