/**
 * The one error type of blit. Every layer throws only `BlitError`; the `code` is what programs
 * read (exit codes, wire status), the message is for people.
 */
export const ERROR_CODES = [
  "USAGE",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "READ_ONLY",
  "PATH_ESCAPE",
  "AUTH_FAILED",
  "PROTOCOL_MISMATCH",
  "UNREACHABLE",
  "TRANSPORT_UNAVAILABLE",
  "PEER_CLOSED",
  "TIMEOUT",
  "STALLED",
  "BUSY",
  "PARTIAL",
  "CORRUPT_DATA",
  "NO_SPACE",
  "UNSUPPORTED",
  "NOT_CONFIRMED",
  "DIFFERENCES",
  "CANCELLED",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class BlitError extends Error {
  override readonly name = "BlitError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["UNREACHABLE", "PEER_CLOSED", "TIMEOUT", "STALLED", "BUSY"]);

/** True for failures where running the same verb again may succeed (network trouble, a busy destination). */
export const isRetryable = (code: ErrorCode): boolean => RETRYABLE.has(code);

/** True when `e` is a BlitError (works across realms, unlike instanceof alone). */
export const isBlitError = (e: unknown): e is BlitError =>
  e instanceof BlitError || (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "BlitError");

/**
 * Throws when `signal` is aborted: its reason when that is a BlitError (the engine's cancellations
 * say why), else CANCELLED — never the runtime's AbortError, so a Store's errors stay BlitErrors.
 */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal === undefined || !signal.aborted) return;
  throw isBlitError(signal.reason) ? signal.reason : new BlitError("CANCELLED", "cancelled");
}
