import type { Metadata } from "@grpc/grpc-js";
import { peerAddress } from "../../domain/daemon-limits.ts";
import type { Caller } from "../../ports/control.ts";
import { derFingerprint } from "./tls-credentials.ts";
import { TOKEN_HEADER } from "./wire-schema.ts";

/** Longest token accepted from metadata; a longer value counts as a wrong token. */
const MAX_TOKEN_CHARS = 512;

/** What a server call knows about its client. */
interface CallerSource {
  readonly metadata: Metadata;
  getPeer(): string;
  getAuthContext?(): { readonly sslPeerCertificate?: { readonly raw?: Buffer } };
}

/** The Caller of a server call: its client address, the `blit-token` it sent, its verified client certificate. */
export function callerOf(call: CallerSource): Caller {
  const [sent] = call.metadata.get(TOKEN_HEADER);
  const token = typeof sent !== "string" || sent === "" ? null : sent.length > MAX_TOKEN_CHARS ? sent.slice(0, MAX_TOKEN_CHARS) : sent;
  return { address: peerAddress(call.getPeer()), token, certFingerprint: clientCertFingerprint(call) };
}

/**
 * `sha256:` + hex SHA-256 of the DER of the client certificate the TLS layer verified, or null on
 * a plaintext connection or without a verified client certificate (grpc-js gives the certificate
 * only for an authorized TLS socket).
 */
export function clientCertFingerprint(call: CallerSource): string | null {
  const raw = call.getAuthContext?.().sslPeerCertificate?.raw;
  return raw === undefined ? null : derFingerprint(raw);
}
