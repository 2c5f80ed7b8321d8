/**
 * BlitError ⇄ gRPC status: the one place error codes cross the wire. The code travels in the
 * `blit-code` trailer and the details in `blit-details-bin`, so the client rebuilds the same
 * BlitError; a status without them comes from gRPC itself and is mapped by FROM_GRPC_STATUS.
 */
import { Metadata, status as Status, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import type { ClientTls } from "../../ports/tls.ts";
import { BlitError, ERROR_CODES, isBlitError, type ErrorCode } from "../../domain/errors.ts";
import { wireText } from "../../domain/rel-path.ts";
import { ERROR_CODE_TRAILER, ERROR_DETAILS_TRAILER } from "./wire-schema.ts";

/** The gRPC status each ErrorCode travels as. */
export const TO_GRPC_STATUS = {
  USAGE: Status.INVALID_ARGUMENT,
  NOT_FOUND: Status.NOT_FOUND,
  ALREADY_EXISTS: Status.ALREADY_EXISTS,
  PERMISSION_DENIED: Status.PERMISSION_DENIED,
  READ_ONLY: Status.PERMISSION_DENIED,
  PATH_ESCAPE: Status.PERMISSION_DENIED,
  AUTH_FAILED: Status.UNAUTHENTICATED,
  PROTOCOL_MISMATCH: Status.FAILED_PRECONDITION,
  UNREACHABLE: Status.UNAVAILABLE,
  TRANSPORT_UNAVAILABLE: Status.UNAVAILABLE,
  PEER_CLOSED: Status.ABORTED,
  TIMEOUT: Status.DEADLINE_EXCEEDED,
  STALLED: Status.DEADLINE_EXCEEDED,
  BUSY: Status.ABORTED,
  PARTIAL: Status.ABORTED,
  CORRUPT_DATA: Status.DATA_LOSS,
  NO_SPACE: Status.RESOURCE_EXHAUSTED,
  UNSUPPORTED: Status.FAILED_PRECONDITION,
  NOT_CONFIRMED: Status.FAILED_PRECONDITION,
  DIFFERENCES: Status.FAILED_PRECONDITION,
  CANCELLED: Status.CANCELLED,
  INTERNAL: Status.INTERNAL,
} as const satisfies Record<ErrorCode, Status>;

/** The ErrorCode of a status that carries no `blit-code` (made by gRPC, not by a blit daemon). */
export const FROM_GRPC_STATUS = {
  [Status.OK]: "INTERNAL",
  [Status.CANCELLED]: "CANCELLED",
  [Status.UNKNOWN]: "PEER_CLOSED",
  [Status.INVALID_ARGUMENT]: "USAGE",
  [Status.DEADLINE_EXCEEDED]: "TIMEOUT",
  [Status.NOT_FOUND]: "NOT_FOUND",
  [Status.ALREADY_EXISTS]: "ALREADY_EXISTS",
  [Status.PERMISSION_DENIED]: "PERMISSION_DENIED",
  [Status.RESOURCE_EXHAUSTED]: "INTERNAL",
  [Status.FAILED_PRECONDITION]: "PROTOCOL_MISMATCH",
  [Status.ABORTED]: "PEER_CLOSED",
  [Status.OUT_OF_RANGE]: "USAGE",
  [Status.UNIMPLEMENTED]: "PROTOCOL_MISMATCH",
  [Status.INTERNAL]: "INTERNAL",
  [Status.UNAVAILABLE]: "UNREACHABLE",
  [Status.DATA_LOSS]: "CORRUPT_DATA",
  [Status.UNAUTHENTICATED]: "AUTH_FAILED",
} as const satisfies Record<Status, ErrorCode>;

/**
 * The status a server call ends with for `e`. A BlitError keeps its code, message and details; any
 * other value is a bug and goes out as INTERNAL with a fixed message (its text may hold paths).
 */
export function toServiceError(e: unknown): Partial<StatusObject> {
  const err = isBlitError(e) ? e : new BlitError("INTERNAL", "internal error in the daemon (a bug; see its log)");
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_TRAILER, err.code);
  metadata.set(ERROR_DETAILS_TRAILER, Buffer.from(JSON.stringify(err.details)));
  // A status message must be valid UTF-8 (grpc-js percent-encodes it and throws on a lone surrogate).
  return { code: TO_GRPC_STATUS[err.code], details: wireText(err.message), metadata };
}

/**
 * The BlitError for a failed client call. `daemon` ("host:port") names the peer in messages for
 * statuses gRPC made itself (unreachable, protocol).
 */
export function fromServiceError(e: unknown, daemon: string, method: string, tls?: ClientTls | null): BlitError {
  const presentedCertificate = (tls?.identity ?? null) !== null;
  if (isBlitError(e)) return e;
  const se = e as Partial<ServiceError>;
  if (typeof se.code !== "number") {
    return new BlitError("INTERNAL", `${method} to ${daemon} failed: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
  }
  const code = se.metadata?.get(ERROR_CODE_TRAILER)[0];
  if (typeof code === "string" && (ERROR_CODES as readonly string[]).includes(code)) {
    return new BlitError(code as ErrorCode, se.details ?? "", readDetails(se.metadata), { cause: e });
  }
  // An mTLS refusal: the daemon's alert, or (TLS 1.3 clients finish first) the connection it closed right after.
  const closedAfterHandshake = presentedCertificate && /^No connection established\. Last error: Failed to connect/.test(se.details ?? "") ? "expired, or not from its client CA" : null;
  const refusedCert = se.code === Status.UNAVAILABLE ? (clientCertificateAlert(se.details ?? "") ?? closedAfterHandshake) : null;
  if (refusedCert !== null) {
    return new BlitError(
      "AUTH_FAILED",
      `the daemon at ${daemon} refused this client's TLS certificate (${refusedCert}): it requires a valid client certificate from its [tls] client_ca: give --tls-cert FILE --tls-key FILE`,
      { daemon, refusal: "client certificate" },
      { cause: e },
    );
  }
  // The pinned handshake refused the daemon's certificate (tls-credentials.ts): never retried as unreachable.
  const changed = se.code === Status.UNAVAILABLE ? /the daemon's certificate changed: [^(]*/.exec(se.details ?? "")?.[0] : undefined;
  if (changed !== undefined) return new BlitError("AUTH_FAILED", `${daemon}: ${changed.trim()}; nothing was sent to it`, { daemon, refusal: "certificate" }, { cause: e });
  const mapped = FROM_GRPC_STATUS[se.code as Status] ?? "INTERNAL";
  const plaintextHint = tls === null && mapped === "UNREACHABLE" && /Failed to connect/.test(se.details ?? "") ? "; if that daemon speaks TLS (the default), drop --no-tls / BLIT_NO_TLS" : "";
  return new BlitError(mapped, `${describeStatus(mapped, se.details ?? "", daemon, method)}${plaintextHint}`, { daemon }, { cause: e });
}

// --- internal ---

/** The TLS alert a daemon sent about the client's certificate (mTLS), in words, or null. */
function clientCertificateAlert(details: string): string | null {
  const alert = /TLSV1_ALERT_([A-Z_]+)/.exec(details)?.[1] ?? /SSLV3_ALERT_([A-Z_]+)/.exec(details)?.[1];
  if (alert === undefined) return null;
  const words: Readonly<Record<string, string>> = {
    CERTIFICATE_REQUIRED: "none was given",
    CERTIFICATE_EXPIRED: "it has expired",
    UNKNOWN_CA: "it is not from the daemon's client CA",
    BAD_CERTIFICATE: "it is not valid",
    CERTIFICATE_UNKNOWN: "it is not valid",
    UNSUPPORTED_CERTIFICATE: "its kind is not supported",
    CERTIFICATE_REVOKED: "it was revoked",
    DECRYPT_ERROR: "the key does not match it",
  };
  return words[alert] ?? null;
}

function readDetails(metadata: Metadata | undefined): Record<string, string | number> {
  const raw = metadata?.get(ERROR_DETAILS_TRAILER)[0];
  if (raw === undefined) return {};
  try {
    const value: unknown = JSON.parse(Buffer.from(raw).toString("utf8"));
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === "string" || typeof v === "number") out[k] = v;
    return out;
  } catch {
    return {};
  }
}

function describeStatus(code: ErrorCode, details: string, daemon: string, method: string): string {
  if (code === "UNREACHABLE") return `cannot reach blit-daemon at ${daemon}: ${connectFailure(details)} (is it running, and is the port right?)`;
  if (code === "PROTOCOL_MISMATCH") return `the daemon at ${daemon} does not speak this blit's protocol for ${method}: ${details}`;
  if (code === "CANCELLED") return `${method} to ${daemon} was cancelled`;
  if (code === "TIMEOUT") return `${method} to ${daemon} timed out: ${details}`;
  return `${method} to ${daemon} failed: ${details}`;
}

/** grpc-js's connection failure text ("No connection established. Last error: …") in a few words. */
function connectFailure(details: string): string {
  if (details.includes("ECONNREFUSED")) return "connection refused";
  if (details.includes("ENOTFOUND") || details.includes("EAI_AGAIN") || details.includes("Name resolution failed")) return "host name not found";
  if (details.includes("ETIMEDOUT") || details.includes("EHOSTUNREACH") || details.includes("ENETUNREACH")) return "no route to the host (timed out)";
  return details.replace(/^No connection established\. Last error: (Error: )?/, "").replace(/\.? ?Resolution note:.*$/s, "").trim() || "no connection";
}
