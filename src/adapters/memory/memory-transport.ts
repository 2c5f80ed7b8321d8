import { BlitError } from "../../domain/errors.ts";
import { AcceptQueue } from "../../domain/wire/accept-queue.ts";
import { ChunkQueue } from "../../domain/wire/chunk-queue.ts";
import type { Channel, Listener, Transport } from "../../ports/transport.ts";

/** Bytes a memory channel holds before `send` waits: small, so backpressure bugs show in tests. */
const CAPACITY_BYTES = 64 * 1024;

/**
 * An in-process Transport: listeners live in this transport's own address table ("memory" host,
 * ports from 1), channels are bounded queue pairs. Real, cheap and used by engine tests instead of
 * sockets.
 */
export class MemoryTransport implements Transport {
  readonly name = "memory";
  readonly capabilities = { zeroCopy: false };
  private readonly listeners = new Map<number, MemoryListener>();
  private nextPort = 1;

  async listen(address: { host: string; port: number }): Promise<Listener> {
    const port = address.port === 0 ? this.nextPort++ : address.port;
    if (this.listeners.has(port)) throw new BlitError("UNREACHABLE", `memory port ${port} is taken`);
    const listener = new MemoryListener({ host: address.host, port }, () => this.listeners.delete(port));
    this.listeners.set(port, listener);
    return listener;
  }

  async dial(address: { host: string; port: number }, signal?: AbortSignal): Promise<Channel> {
    signal?.throwIfAborted();
    const listener = this.listeners.get(address.port);
    if (listener === undefined) throw new BlitError("UNREACHABLE", `nothing listens on memory port ${address.port}`);
    const [a, b] = MemoryChannel.pair();
    listener.offer(b);
    return a;
  }
}

class MemoryChannel implements Channel {
  readonly incoming = new ChunkQueue(CAPACITY_BYTES, () => this.peer?.wakeSender());
  private peer: MemoryChannel | null = null;
  private senderWake: (() => void) | null = null;
  private closed = false;
  private ended = false;

  static pair(): [MemoryChannel, MemoryChannel] {
    const a = new MemoryChannel();
    const b = new MemoryChannel();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  async send(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    for (let i = 0; ; i++) {
      if (signal?.aborted) throw new BlitError("CANCELLED", "send cancelled");
      if (this.closed || this.ended) throw new BlitError("CANCELLED", "channel is closed");
      const peer = this.peer!;
      if (peer.closed) throw new BlitError("PEER_CLOSED", "the peer closed the channel");
      if (peer.incoming.queuedBytes < CAPACITY_BYTES) break;
      await new Promise<void>((resolve) => {
        this.senderWake = resolve;
        signal?.addEventListener("abort", () => resolve(), { once: true });
      });
      if (i > 1 << 30) throw new BlitError("INTERNAL", "send loop did not finish");
    }
    this.peer!.incoming.push(bytes.slice());
  }

  async end(): Promise<void> {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.peer!.incoming.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.incoming.fail(new BlitError("CANCELLED", "channel closed"));
    this.wakeSender();
    const peer = this.peer!;
    if (!this.ended) peer.incoming.fail(new BlitError("PEER_CLOSED", "the peer closed the channel"));
    peer.wakeSender();
  }

  wakeSender(): void {
    const w = this.senderWake;
    this.senderWake = null;
    w?.();
  }
}

class MemoryListener implements Listener {
  private readonly queue = new AcceptQueue<Channel>();

  constructor(
    readonly address: { host: string; port: number },
    private readonly onClose: () => void,
  ) {}

  offer(c: Channel): void {
    if (!this.queue.offer(c)) void c[Symbol.asyncDispose]();
  }

  accept(signal?: AbortSignal): Promise<Channel> {
    return this.queue.accept(signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.onClose();
    for (const c of this.queue.close()) await c[Symbol.asyncDispose]();
  }
}
