import type { Socket, SocketHandler } from "bun";
import { BlitError } from "../../domain/errors.ts";
import { AcceptQueue } from "../../domain/wire/accept-queue.ts";
import type { BandLink, BandListener, RdmaBand } from "./rdma-band.ts";

/** A band message is small (parameters, a ready mark): anything longer is refused. */
const MAX_MESSAGE_BYTES = 1024;

/** The RDMA band over TCP (Bun sockets): u16-length-prefixed messages, the socket's close = the peer gone. */
export class SocketBand implements RdmaBand {
  async listen(address: { host: string; port: number }): Promise<BandListener> {
    const queue = new AcceptQueue<SocketLink>();
    const server = Bun.listen<SocketLink | undefined>({
      hostname: address.host,
      port: address.port,
      socket: handler((link) => {
        if (!queue.offer(link)) void link[Symbol.asyncDispose]();
      }),
    });
    return {
      address: { host: address.host, port: server.port },
      accept: (signal) => queue.accept(signal),
      [Symbol.asyncDispose]: async () => {
        server.stop(true);
        for (const l of queue.close()) await l[Symbol.asyncDispose]();
      },
    };
  }

  async connect(address: { host: string; port: number }, signal?: AbortSignal): Promise<BandLink> {
    signal?.throwIfAborted();
    let opened: SocketLink | null = null;
    const where = address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    try {
      await Bun.connect({ hostname: address.host, port: address.port, socket: handler((l) => (opened = l)) });
    } catch (e) {
      throw new BlitError("UNREACHABLE", `cannot reach the RDMA connection manager at ${where}: ${(e as Error).message}`, { address: where }, { cause: e });
    }
    if (opened === null) throw new BlitError("UNREACHABLE", `no connection to ${where}`);
    return opened;
  }
}

class SocketLink implements BandLink {
  readonly peer: string;
  readonly closed: Promise<void>;
  private markClosed!: () => void;
  private buffered = new Uint8Array(0);
  private readonly messages: Uint8Array[] = [];
  private waiter: (() => void) | null = null;
  private gone: BlitError | null = null;

  constructor(private readonly socket: Socket<SocketLink | undefined>) {
    socket.setNoDelay(true);
    this.peer = `${socket.remoteAddress}`;
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  async send(message: Uint8Array): Promise<void> {
    if (this.gone !== null) throw this.gone;
    const framed = new Uint8Array(2 + message.length);
    new DataView(framed.buffer).setUint16(0, message.length);
    framed.set(message, 2);
    // Band messages are tiny: the kernel takes them whole.
    if (this.socket.write(framed) !== framed.length) throw new BlitError("PEER_CLOSED", `the RDMA band to ${this.peer} would not take ${framed.length} bytes`);
  }

  async receive(signal?: AbortSignal): Promise<Uint8Array> {
    for (let i = 0; i < 1 << 20; i++) {
      const m = this.messages.shift();
      if (m !== undefined) return m;
      if (this.gone !== null) throw this.gone;
      if (signal?.aborted) throw new BlitError("CANCELLED", "RDMA band receive cancelled");
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        signal?.addEventListener("abort", () => resolve(), { once: true });
      });
    }
    throw new BlitError("INTERNAL", "RDMA band receive loop did not finish");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.socket.end();
    this.onClose();
  }

  onData(chunk: Uint8Array): void {
    const all = new Uint8Array(this.buffered.length + chunk.length);
    all.set(this.buffered);
    all.set(chunk, this.buffered.length);
    let at = 0;
    while (all.length - at >= 2) {
      const n = (all[at]! << 8) | all[at + 1]!;
      if (n > MAX_MESSAGE_BYTES) {
        this.gone = new BlitError("PROTOCOL_MISMATCH", `the RDMA band from ${this.peer} sent a ${n}-byte message (at most ${MAX_MESSAGE_BYTES})`);
        this.socket.terminate();
        break;
      }
      if (all.length - at - 2 < n) break;
      this.messages.push(all.slice(at + 2, at + 2 + n));
      at += 2 + n;
    }
    this.buffered = all.slice(at);
    this.wake();
  }

  onClose(): void {
    this.gone ??= new BlitError("PEER_CLOSED", `the RDMA peer ${this.peer} closed its connection`);
    this.markClosed();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

function handler(onOpen: (link: SocketLink) => void): SocketHandler<SocketLink | undefined> {
  return {
    open(socket) {
      const link = new SocketLink(socket);
      socket.data = link;
      onOpen(link);
    },
    data: (socket, chunk) => socket.data?.onData(chunk),
    end: (socket) => socket.data?.onClose(),
    close: (socket) => socket.data?.onClose(),
    error: (socket) => socket.data?.onClose(),
  };
}
