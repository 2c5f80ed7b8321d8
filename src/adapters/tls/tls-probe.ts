/**
 * Learns a daemon's certificate with one TLS 1.3 handshake (node:tls), before the client trusts
 * it or sends anything: the certificate is accepted whatever it is (the caller decides), checked
 * against a CA and the host name only when asked, and the connection is closed at once.
 */
import { createHash } from "node:crypto";
import tls from "node:tls";
import { BlitError } from "../../domain/errors.ts";
import { fingerprintOfDigest } from "../../domain/fingerprint.ts";
import type { ProbeResult, TlsProbe } from "../../ports/tls.ts";

/** How long the handshake may take. */
const PROBE_TIMEOUT_MS = 10_000;

export const probeTls: TlsProbe = (address, options) =>
  new Promise<ProbeResult>((resolve, reject) => {
    const shown = address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    const socket = tls.connect({
      host: address.host,
      port: address.port,
      servername: isIp(address.host) ? undefined : address.host,
      ALPNProtocols: ["h2"],
      minVersion: "TLSv1.3",
      rejectUnauthorized: false,
      ...(options.ca === null ? {} : { ca: options.ca.pem }),
      ...(options.identity === null ? {} : { cert: options.identity.certPem, key: options.identity.keyPem }),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new BlitError("TIMEOUT", `${shown} did not answer the TLS handshake within ${PROBE_TIMEOUT_MS / 1000} s while the session was starting (the daemon is frozen or the link is down)`, { address: shown, phase: "session start" }));
    }, PROBE_TIMEOUT_MS);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const raw = socket.getPeerCertificate(true)?.raw;
      const checked = raw === undefined || options.ca === null ? null : caError(socket, address.host);
      // Closed with close_notify after our Finished, so the daemon sees a completed handshake end
      // (not a hang-up in the middle of one, which it would log as a refusal).
      socket.end();
      socket.once("error", () => {});
      setTimeout(() => socket.destroy(), 1_000).unref();
      if (raw === undefined) {
        resolve({ kind: "not-tls", why: "the daemon presented no certificate" });
        return;
      }
      const fingerprint = fingerprintOfDigest(createHash("sha256").update(raw).digest());
      resolve({ kind: "tls", fingerprint, caError: checked });
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (e.code === "ECONNREFUSED" || e.code === "EHOSTUNREACH" || e.code === "ENETUNREACH" || e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") {
        reject(new BlitError("UNREACHABLE", `cannot reach the daemon at ${shown}: ${e.code}`, { address: shown }, { cause: e }));
        return;
      }
      resolve({ kind: "not-tls", why: e.message });
    });
  });

// --- internal ---

const isIp = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(":");

/** Why the peer's certificate does not chain to the CA the socket was given or does not name `host`; null when it does. */
function caError(socket: tls.TLSSocket, host: string): string | null {
  if (!socket.authorized) return `it does not chain to that CA (${String(socket.authorizationError ?? "not authorized")})`;
  const wrongName = tls.checkServerIdentity(host, socket.getPeerCertificate());
  return wrongName === undefined ? null : `it does not name the host '${host}' (${wrongName.message})`;
}
