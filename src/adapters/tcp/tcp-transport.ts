import type { TCPSocketListener } from "bun";
import { BlitError } from "../../domain/errors.ts";
import type { Channel, Listener, Transport } from "../../ports/transport.ts";
import { AcceptQueue } from "../../domain/wire/accept-queue.ts";
import { listenError } from "../../domain/listen-error.ts";
import { hasNetLibc } from "./net.ffi.ts";
import { channelHandler, type TcpChannel } from "./tcp-channel.ts";

/**
 * The TCP data plane over Bun sockets (Bun.listen / Bun.connect): Nagle off, half-close kept open
 * for reading, IPv4 and IPv6. Connection errors become UNREACHABLE naming the address.
 */
export class TcpTransport implements Transport {
  readonly name = "tcp";
  /** Zero-copy sends (Channel.sendFile) where libc's sendfile is available. */
  get capabilities(): { zeroCopy: boolean } {
    return { zeroCopy: hasNetLibc() };
  }

  async listen(address: { host: string; port: number }): Promise<Listener> {
    return TcpListener.start(address);
  }

  async dial(address: { host: string; port: number }, signal?: AbortSignal): Promise<Channel> {
    signal?.throwIfAborted();
    let opened: TcpChannel | null = null;
    try {
      await Bun.connect({ hostname: address.host, port: address.port, allowHalfOpen: true, socket: channelHandler((c) => (opened = c)) });
    } catch (e) {
      throw new BlitError("UNREACHABLE", `cannot connect to the data port ${show(address)}: ${(e as Error).message}`, { address: show(address) }, { cause: e });
    }
    if (opened === null) throw new BlitError("UNREACHABLE", `no connection to ${show(address)}`);
    return opened;
  }
}

class TcpListener implements Listener {
  private readonly queue = new AcceptQueue<Channel>();

  private constructor(
    private server: TCPSocketListener<TcpChannel | undefined> | null,
    readonly address: { host: string; port: number },
  ) {}

  static start(address: { host: string; port: number }): TcpListener {
    let self: TcpListener | null = null;
    let server: TCPSocketListener<TcpChannel | undefined>;
    try {
      server = Bun.listen<TcpChannel | undefined>({
        hostname: address.host,
        port: address.port,
        allowHalfOpen: true,
        socket: channelHandler((c) => {
          if (self?.queue.offer(c) !== true) void c[Symbol.asyncDispose]();
        }),
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

const show = (a: { host: string; port: number }): string => (a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);
