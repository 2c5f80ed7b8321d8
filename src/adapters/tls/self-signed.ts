/**
 * A self-signed X.509 v3 certificate for a fresh ECDSA P-256 key, written with a small DER
 * encoder (no dependency, so it works inside compiled binaries): subject and issuer
 * `CN=blit-daemon`, a random 127-bit serial, valid from a day ago until 9999-12-31 (RFC 5280
 * §4.1.2.5: no well-defined expiry; clients pin it by fingerprint), key usage digitalSignature,
 * subjectAltName `localhost`, 127.0.0.1 and ::1. Signed with ECDSA-SHA256.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

/** A PEM certificate and its PKCS#8 PEM private key. */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Generates a key pair and its self-signed certificate; `now` is the issue time. */
export function selfSignedIdentity(now: Date): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const name = seq(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, utf8("blit-daemon")))));
  const ecdsaSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const validity = seq(utcTime(new Date(now.getTime() - 86_400_000)), tlv(0x18, utf8("99991231235959Z")));
  const altNames = seq(tlv(0x82, utf8("localhost")), tlv(0x87, Uint8Array.of(127, 0, 0, 1)), tlv(0x87, Uint8Array.of(...new Array<number>(15).fill(0), 1)));
  const extensions = tlv(
    0xa3,
    seq(
      extension("2.5.29.15", true, tlv(0x03, Uint8Array.of(0x07, 0x80))),
      extension("2.5.29.17", false, altNames),
    ),
  );
  const tbs = seq(tlv(0xa0, integer(Uint8Array.of(2))), integer(serial), ecdsaSha256, name, validity, name, spki, extensions);
  const signature = sign("sha256", tbs, { key: privateKey, dsaEncoding: "der" });
  const der = seq(tbs, ecdsaSha256, tlv(0x03, Uint8Array.of(0), signature));
  return { certPem: toPem("CERTIFICATE", der), keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** `der` as PEM with the given label. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

// --- internal: DER ---

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Uint8Array.of(tag, ...length), body]);
}

const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A non-negative INTEGER from big-endian bytes. */
function integer(bytes: Uint8Array): Uint8Array {
  return (bytes[0] ?? 0) & 0x80 ? tlv(0x02, Uint8Array.of(0), bytes) : tlv(0x02, bytes);
}

function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128 = [arc & 0x7f];
    for (let rest = arc >>> 7; rest > 0; rest >>>= 7) base128.unshift((rest & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(oid(id), ...(critical ? [tlv(0x01, Uint8Array.of(0xff))] : []), tlv(0x04, value));
}

/** UTCTime (years before 2050), `YYMMDDHHMMSSZ`. */
function utcTime(d: Date): Uint8Array {
  return tlv(0x17, utf8(`${d.toISOString().replace(/[-:T]/g, "").slice(2, 14)}Z`));
}
