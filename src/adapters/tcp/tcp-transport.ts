import type { Socket, TCPSocketListener } from "bun";
import { createHash } from "node:crypto";
import { BlitError } from "../../domain/errors.ts";
import { fingerprintOfDigest } from "../../domain/fingerprint.ts";
import type { Channel, Listener, Transport } from "../../ports/transport.ts";
import type { ClientTls, ServerTls } from "../../ports/tls.ts";
import { AcceptQueue } from "../../domain/wire/accept-queue.ts";
import { listenError } from "../../domain/listen-error.ts";
import { hasNetLibc } from "./net.ffi.ts";
import { channelHandler, type ConnectionGate, type TcpChannel } from "./tcp-channel.ts";

/** TLS 1.3 (BoringSSL's version number; Bun takes a number here). */
const TLS1_3 = 0x0304;

/** How long a data connection's TLS handshake may take. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * The TCP data plane over Bun sockets (Bun.listen / Bun.connect): Nagle off, half-close kept open
 * for reading, IPv4 and IPv6. With `tls`, every connection speaks TLS 1.3: listeners present
 * `tls.server`; dials accept only the certificate `tls.client` trusts (its SHA-256 is compared
 * before the channel exists, so nothing is sent to another peer). Connection errors become
 * UNREACHABLE naming the address; a wrong certificate is AUTH_FAILED.
 */
export class TcpTransport implements Transport {
  readonly name = "tcp";

  /** `gate` (listeners only) screens every accepted connection before its TLS handshake. */
  constructor(private readonly tls: { readonly server?: ServerTls | null; readonly client?: ClientTls | null; readonly gate?: ConnectionGate } = {}) {}

  /** Zero-copy sends (Channel.sendFile) where libc's sendfile is available, never over TLS. */
  get capabilities(): { zeroCopy: boolean } {
    return { zeroCopy: hasNetLibc() && (this.tls.client ?? null) === null };
  }

  async listen(address: { host: string; port: number }): Promise<Listener> {
    return TcpListener.start(address, this.tls.server ?? null, this.tls.gate);
  }

  async dial(address: { host: string; port: number }, signal?: AbortSignal): Promise<Channel> {
    signal?.throwIfAborted();
    const trusted = this.tls.client ?? null;
    if (trusted === null) return plainDial(address);
    return new Promise<Channel>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BlitError("TIMEOUT", `no TLS handshake with the data port ${show(address)} within ${HANDSHAKE_TIMEOUT_MS / 1000} s`)), HANDSHAKE_TIMEOUT_MS);
      const settle = (f: () => void) => {
        clearTimeout(timer);
        f();
      };
      const handler = channelHandler((c) => settle(() => resolve(c)), {
        // Pinned: the certificate is checked here (a self-signed one never "verifies" for Bun).
        accept: (socket) => {
          const got = peerFingerprint(socket);
          return got === trusted.fingerprint ? null : `the data port ${show(address)} presented certificate ${got}, not the daemon's ${trusted.fingerprint}`;
        },
        refused: (why) => settle(() => reject(new BlitError("AUTH_FAILED", why, { address: show(address) }))),
      });
      const close = handler.close;
      handler.close = (socket, error) => {
        close?.(socket, error);
        settle(() => reject(new BlitError("UNREACHABLE", `the data port ${show(address)} closed the connection during the TLS handshake`, { address: show(address) })));
      };
      const identity = trusted.identity === null ? {} : { cert: trusted.identity.certPem, key: trusted.identity.keyPem };
      Bun.connect({ hostname: address.host, port: address.port, allowHalfOpen: true, tls: { rejectUnauthorized: false, minVersion: TLS1_3, ...identity } as unknown as boolean, socket: handler }).catch((e: unknown) =>
        settle(() => reject(unreachable(address, e))),
      );
    });
  }
}

class TcpListener implements Listener {
  private readonly queue = new AcceptQueue<Channel>();

  private constructor(
    private server: TCPSocketListener<TcpChannel | undefined> | null,
    readonly address: { host: string; port: number },
  ) {}

  static start(address: { host: string; port: number }, tls: ServerTls | null, gate?: ConnectionGate): TcpListener {
    let self: TcpListener | null = null;
    const offer = (c: TcpChannel) => {
      if (self?.queue.offer(c) !== true) void c[Symbol.asyncDispose]();
    };
    let server: TCPSocketListener<TcpChannel | undefined>;
    try {
      server = Bun.listen<TcpChannel | undefined>({
        hostname: address.host,
        port: address.port,
        allowHalfOpen: true,
        ...(tls === null ? {} : { tls: { cert: tls.certPem, key: tls.keyPem, minVersion: TLS1_3 } as unknown as Bun.TLSOptions }),
        socket: tls === null ? channelHandler(offer, undefined, gate) : channelHandler(offer, { accept: (_socket, verified, why) => (verified ? null : why), refused: () => {} }, gate),
      });
    } catch (e) {
      throw Object.assign(listenError(address.port === 0 ? address.host : show(address), String((e as { code?: unknown }).code ?? "")), { cause: e });
    }
    self = new TcpListener(server, { host: address.host, port: server.port });
    return self;
  }

  accept(signal?: AbortSignal): Promise<Channel> {
    return this.queue.accept(signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server?.stop(true);
    this.server = null;
    for (const c of this.queue.close()) await c[Symbol.asyncDispose]();
  }
}

async function plainDial(address: { host: string; port: number }): Promise<Channel> {
  let opened: TcpChannel | null = null;
  try {
    await Bun.connect({ hostname: address.host, port: address.port, allowHalfOpen: true, socket: channelHandler((c) => (opened = c)) });
  } catch (e) {
    throw unreachable(address, e);
  }
  if (opened === null) throw new BlitError("UNREACHABLE", `no connection to ${show(address)}`);
  return opened;
}

function peerFingerprint(socket: Socket<TcpChannel | undefined>): string {
  const raw = (socket.getPeerCertificate() as { raw?: Uint8Array } | undefined)?.raw;
  return raw === undefined ? "(none)" : fingerprintOfDigest(createHash("sha256").update(raw).digest());
}

const unreachable = (address: { host: string; port: number }, e: unknown): BlitError =>
  new BlitError("UNREACHABLE", `cannot connect to the data port ${show(address)}: ${(e as Error).message}`, { address: show(address) }, { cause: e });

const show = (a: { host: string; port: number }): string => (a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);
