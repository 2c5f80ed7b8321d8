/**
 * Raw data-plane connections for hostile-peer tests (SPEC §6, §9), the way a client opens one:
 * - `dataSocket(port, { localAddress, secure })`: a TCP connection to the data port at 127.0.0.1,
 *   over TLS 1.3 unless `secure` is false (any certificate accepted: these tests attack the
 *   daemon, they do not trust it); resolves once connected (and the handshake is done).
 * - `helloFor(socket, token)`: the HELLO record a client sends on that connection — over TLS the
 *   token's proof bound to that connection (HMAC-SHA-256 keyed by the token over its TLS exporter),
 *   in plaintext the token itself.
 */
import { createHmac } from "node:crypto";
import { connect, type Socket } from "node:net";
import tls from "node:tls";
import { encodeHello } from "../../src/domain/wire/frame.ts";
import { DATA_TOKEN_EXPORTER_LABEL } from "../../src/domain/wire/token.ts";

export function dataSocket(port: number, options: { readonly localAddress?: string; readonly secure?: boolean } = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const raw = connect({ port, host: "127.0.0.1", ...(options.localAddress !== undefined && { localAddress: options.localAddress }) });
    raw.once("error", reject);
    if (options.secure === false) {
      raw.once("connect", () => resolve(raw));
      return;
    }
    raw.once("connect", () => {
      const s = tls.connect({ socket: raw, rejectUnauthorized: false, minVersion: "TLSv1.3" });
      s.once("secureConnect", () => resolve(s));
      s.once("error", reject);
    });
  });
}

export function helloFor(socket: Socket, token: Uint8Array): Uint8Array {
  if (!(socket instanceof tls.TLSSocket)) return encodeHello(token);
  const exporter = socket.exportKeyingMaterial(32, DATA_TOKEN_EXPORTER_LABEL, undefined as unknown as Buffer);
  return encodeHello(new Uint8Array(createHmac("sha256", token).update(exporter).digest()));
}
