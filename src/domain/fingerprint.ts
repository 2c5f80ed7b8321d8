/**
 * Certificate fingerprints (SPEC §9): `sha256:` and the lowercase hex SHA-256 of the certificate's
 * DER encoding.
 */
import { BlitError } from "./errors.ts";

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/** The fingerprint of a certificate whose SHA-256 digest is `digest`. */
export function fingerprintOfDigest(digest: Uint8Array): string {
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return `sha256:${hex}`;
}

/** True when `text` is a well-formed fingerprint (lowercase). */
export const isFingerprint = (text: string): boolean => FINGERPRINT.test(text);

/**
 * `text` as a fingerprint: `sha256:HEX` (upper-case hex and `:` between bytes accepted, as
 * openssl prints them); USAGE naming `what` otherwise.
 */
export function parseFingerprint(text: string, what: string): string {
  const m = /^sha256:([0-9a-fA-F:]+)$/.exec(text.trim());
  const hex = m?.[1]?.replace(/:/g, "").toLowerCase() ?? "";
  const value = `sha256:${hex}`;
  if (!isFingerprint(value)) {
    throw new BlitError("USAGE", `${what} '${text}' is not a certificate fingerprint: write sha256: followed by 64 hex digits (blit-daemon fingerprint prints it)`, { value: text });
  }
  return value;
}
