/**
 * TLS for the control plane. Clients: channel credentials whose connector completes a TLS 1.3
 * handshake and compares the SHA-256 of the daemon's certificate DER with the trusted fingerprint
 * before handing the socket to HTTP/2 — so nothing (not even the HTTP/2 preface) reaches a
 * daemon presenting another certificate. (Chain verification is not used for this: Node and Bun
 * run `checkServerIdentity` only after it passed, so a pin there would accept any certificate.)
 * Servers: grpc-js SSL credentials (with `client_ca`: client certificates required and verified).
 */
import { CallCredentials, ChannelCredentials, credentials, ServerCredentials } from "@grpc/grpc-js";
import { createHash } from "node:crypto";
import type { Socket } from "node:net";
import tls from "node:tls";
import { BlitError } from "../../domain/errors.ts";
import { fingerprintOfDigest } from "../../domain/fingerprint.ts";
import type { ClientTls, ServerTls } from "../../ports/tls.ts";

/** The credentials of a client: pinned TLS, or plaintext when `tls` is null. */
export function channelCredentials(tls: ClientTls | null): ChannelCredentials {
  return tls === null ? credentials.createInsecure() : (new PinnedCredentials(tls) as unknown as ChannelCredentials);
}

/** The credentials of the server: TLS with `tls`, plaintext when null. */
export function serverCredentials(tls: ServerTls | null): ServerCredentials {
  if (tls === null) return ServerCredentials.createInsecure();
  const ca = tls.clientCaPem === null ? null : Buffer.from(tls.clientCaPem);
  return ServerCredentials.createSsl(ca, [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }], ca !== null);
}

/** The `sha256:…` fingerprint of a DER certificate. */
export const derFingerprint = (der: Uint8Array): string => fingerprintOfDigest(createHash("sha256").update(der).digest());

// --- internal ---

interface Connector {
  connect(socket: Socket): Promise<{ socket: Socket; secure: boolean }>;
  waitForReady(): Promise<void>;
  getCallCredentials(): CallCredentials;
  destroy(): void;
}

const Base = ChannelCredentials as unknown as new () => object;

class PinnedCredentials extends Base {
  constructor(private readonly tls: ClientTls) {
    super();
  }

  _isSecure(): boolean {
    return true;
  }

  _equals(other: unknown): boolean {
    return other instanceof PinnedCredentials && other.tls.fingerprint === this.tls.fingerprint && other.tls.identity === this.tls.identity;
  }

  _createSecureConnector(target: { path: string }, _options: unknown, callCredentials?: CallCredentials): Connector {
    const trusted = this.tls;
    const host = hostOf(target.path);
    return {
      connect: (socket) => pinnedHandshake(socket, host, trusted),
      waitForReady: () => Promise.resolve(),
      getCallCredentials: () => callCredentials ?? CallCredentials.createEmpty(),
      destroy: () => {},
    };
  }
}

function pinnedHandshake(socket: Socket, host: string, trusted: ClientTls): Promise<{ socket: Socket; secure: boolean }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      socket,
      servername: /^[\d.]+$/.test(host) || host.includes(":") ? undefined : host,
      ALPNProtocols: ["h2"],
      minVersion: "TLSv1.3",
      rejectUnauthorized: false,
      ...(trusted.identity === null ? {} : { cert: trusted.identity.certPem, key: trusted.identity.keyPem }),
    });
    s.once("secureConnect", () => {
      const raw = s.getPeerCertificate()?.raw;
      const got = raw === undefined ? "no certificate" : derFingerprint(raw);
      if (got !== trusted.fingerprint) {
        s.destroy();
        reject(new BlitError("AUTH_FAILED", `the daemon's certificate changed: it presented ${got}, ${trusted.fingerprint} was expected`));
        return;
      }
      resolve({ socket: s, secure: true });
    });
    s.once("error", reject);
  });
}

/** The host of a grpc-js target path (`host:port`, `[v6]:port`, `dns:host:port`). */
function hostOf(path: string): string {
  const p = path.replace(/^dns:/, "");
  const v6 = /^\[([^\]]+)\]/.exec(p);
  if (v6 !== null) return v6[1]!;
  const colon = p.lastIndexOf(":");
  return colon < 0 ? p : p.slice(0, colon);
}
