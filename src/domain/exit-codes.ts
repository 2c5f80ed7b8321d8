import type { ErrorCode } from "./errors.ts";
import { isBlitError } from "./errors.ts";

/**
 * The one exit-code table for all three programs (SPEC §3). A number never changes meaning once
 * shipped. `satisfies` makes the compiler reject a new ErrorCode until it is mapped here.
 */
export const EXIT_CODE = {
  USAGE: 2,
  NOT_FOUND: 3,
  ALREADY_EXISTS: 2,
  PERMISSION_DENIED: 4,
  READ_ONLY: 4,
  PATH_ESCAPE: 4,
  AUTH_FAILED: 4,
  PROTOCOL_MISMATCH: 5,
  UNREACHABLE: 6,
  TRANSPORT_UNAVAILABLE: 6,
  PEER_CLOSED: 7,
  TIMEOUT: 7,
  STALLED: 7,
  BUSY: 7,
  PARTIAL: 8,
  CORRUPT_DATA: 9,
  NO_SPACE: 10,
  UNSUPPORTED: 8,
  NOT_CONFIRMED: 11,
  DIFFERENCES: 1,
  CANCELLED: 130,
  INTERNAL: 70,
} as const satisfies Record<ErrorCode, number>;

/** Exit-code meanings, in the order printed by `--help` and the README. */
export const EXIT_CODE_TABLE: readonly (readonly [number, string])[] = [
  [0, "success"],
  [1, "differences found (blit check only)"],
  [2, "usage or configuration error (bad flag, URL, config file)"],
  [3, "source or destination not found"],
  [4, "permission denied, read-only module, path escapes module, authentication failed"],
  [5, "protocol or version mismatch"],
  [6, "daemon unreachable, transport unavailable"],
  [7, "transfer interrupted (peer closed, timeout, stall) or destination busy with another run - retryable"],
  [8, "partial: some entries failed, the rest landed; mirror deletions withheld"],
  [9, "data integrity failure (checksum mismatch)"],
  [10, "no space left on the destination"],
  [11, "destructive step not confirmed (nothing changed)"],
  [70, "internal error (a bug)"],
  [130, "cancelled (SIGINT)"],
];

/** The process exit code for any thrown value; non-BlitErrors are bugs (70). */
export function exitCodeFor(err: unknown): number {
  return isBlitError(err) ? EXIT_CODE[err.code] : EXIT_CODE.INTERNAL;
}

/** The "Exit codes:" section of every program's --help. */
export const exitCodeHelp = (): string =>
  ["Exit codes:", ...EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`)].join("\n");
