/**
 * TLS on both planes (SPEC §9). Values handed to the gRPC and TCP adapters, and the probe a
 * client uses to learn a daemon's certificate before it trusts it.
 */

/** The daemon's side: its identity and, for mTLS, the CA client certificates must chain to. */
export interface ServerTls {
  readonly certPem: string;
  readonly keyPem: string;
  /** `sha256:…` of the (first) certificate's DER. */
  readonly fingerprint: string;
  /** PEM CA bundle: clients must present a certificate chaining to it (mTLS); null: none asked. */
  readonly clientCaPem: string | null;
}

/**
 * The client's side of one daemon's TLS: every connection to it (control and data) accepts only
 * the certificate with this fingerprint, checked before anything is sent. (How the fingerprint
 * came to be trusted — pin, CA, known hosts — was decided before, from a probe.)
 */
export interface ClientTls {
  /** `sha256:…` of the daemon's certificate DER. */
  readonly fingerprint: string;
  /** The client certificate and key presented for mTLS, or null. */
  readonly identity: { readonly certPem: string; readonly keyPem: string } | null;
}

/** What a probe learned about a daemon's TLS. */
export type ProbeResult =
  /** A TLS 1.3 handshake completed; `fingerprint` of the certificate the daemon presented. */
  | { readonly kind: "tls"; readonly fingerprint: string; readonly caError: string | null }
  /** Something answered, but not TLS (a plaintext daemon, or another service). */
  | { readonly kind: "not-tls"; readonly why: string };

/**
 * Opens one TLS connection to `host:port`, learns the certificate and closes it; checks it against
 * `ca` too when given (`caError` says why it does not chain or match the host name). Throws
 * UNREACHABLE when nothing accepts the connection, TIMEOUT when no handshake completes in time.
 */
export type TlsProbe = (address: { host: string; port: number }, options: { ca: { pem: string; file: string } | null; identity: ClientTls["identity"] }) => Promise<ProbeResult>;
