/** Converts node:fs errors to BlitError codes: the one place the local adapter maps errno. */
import { BlitError, type ErrorCode, isBlitError } from "../../domain/errors.ts";
import { displayName } from "../../domain/rel-path.ts";

const BY_ERRNO: Readonly<Record<string, ErrorCode>> = {
  ENOENT: "NOT_FOUND",
  ENOTDIR: "NOT_FOUND",
  EACCES: "PERMISSION_DENIED",
  EPERM: "PERMISSION_DENIED",
  EROFS: "READ_ONLY",
  ENOSPC: "NO_SPACE",
  EDQUOT: "NO_SPACE",
  EFBIG: "NO_SPACE",
  EEXIST: "ALREADY_EXISTS",
  ENOTEMPTY: "ALREADY_EXISTS",
  EISDIR: "ALREADY_EXISTS",
  EIO: "CORRUPT_DATA",
  ECANCELED: "CANCELLED",
  ENOTREG: "NOT_FOUND",
};

/** The BlitError for a failed operation on `path` (shown escaped). */
export function toBlitError(e: unknown, path: string, action: string): BlitError {
  if (isBlitError(e)) return e;
  const code = typeof e === "object" && e !== null ? String((e as { code?: unknown }).code ?? "") : "";
  const mapped = BY_ERRNO[code] ?? "INTERNAL";
  const why = code !== "" ? code : e instanceof Error ? e.message : String(e);
  return new BlitError(mapped, `cannot ${action} ${displayName(path)}: ${describe(code, why)}`, { path, errno: code });
}

/** A plain object that survives postMessage and rebuilds the same BlitError. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly path: string;
}
export const toWireError = (e: BlitError): WireError => ({
  code: e.code,
  message: e.message,
  path: String(e.details.path ?? ""),
});
export const fromWireError = (w: WireError): BlitError => new BlitError(w.code, w.message, { path: w.path });

// --- internal ---
const TEXT: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "a parent is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only filesystem",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EEXIST: "already exists",
  ENOTEMPTY: "directory not empty",
  EISDIR: "is a directory",
  EIO: "input/output error",
  ENOTREG: "not a regular file (FIFOs, sockets and devices are never read)",
};
const describe = (code: string, fallback: string): string => TEXT[code] ?? fallback;
