import type { Socket, SocketHandler } from "bun";
import { BlitError } from "../../domain/errors.ts";
import { ChunkQueue } from "../../domain/wire/chunk-queue.ts";
import type { Channel } from "../../ports/transport.ts";

/** Received bytes queued before the socket is paused (the reader is behind). */
const HIGH_WATER_BYTES = 16 << 20;
const LOW_WATER_BYTES = 4 << 20;

/**
 * One TCP connection as a Channel. Nagle is off; partial writes are kept and resent on `drain`;
 * reading pauses while more than HIGH_WATER_BYTES wait for the consumer.
 */
export class TcpChannel implements Channel {
  readonly incoming: ChunkQueue;
  private pending: Uint8Array | null = null;
  private drained: (() => void) | null = null;
  private closed = false;
  private ended = false;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly socket: Socket<TcpChannel | undefined>) {
    socket.setNoDelay(true);
    this.incoming = new ChunkQueue(LOW_WATER_BYTES, () => socket.resume());
  }

  send(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const next = this.sending.then(() => this.write(bytes, signal));
    this.sending = next.catch(() => {});
    return next;
  }

  async end(): Promise<void> {
    await this.sending;
    if (this.closed || this.ended) return;
    this.ended = true;
    this.socket.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.closed) this.socket.terminate();
    this.onClose();
  }

  // --- handlers (called by the socket handler below) ---

  onData(chunk: Uint8Array): void {
    // Bun reuses the buffer it hands us: keep a copy.
    this.incoming.push(new Uint8Array(chunk));
    if (this.incoming.queuedBytes > HIGH_WATER_BYTES) this.socket.pause();
  }

  onDrain(): void {
    const d = this.drained;
    this.drained = null;
    d?.();
  }

  onEnd(): void {
    this.incoming.close();
  }

  onClose(error?: Error): void {
    const first = !this.closed;
    this.closed = true;
    if (first) this.incoming.fail(new BlitError("PEER_CLOSED", `data connection closed by the peer${error ? `: ${error.message}` : ""}`));
    this.onDrain();
  }

  // --- internal ---

  private async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    let rest = bytes;
    for (let spins = 0; rest.length > 0; spins++) {
      if (signal?.aborted || this.closed || this.ended) throw this.cancelled(signal);
      const n = this.socket.write(rest);
      if (n < 0) throw this.cancelled(signal);
      rest = rest.subarray(n);
      if (rest.length === 0) return;
      await new Promise<void>((resolve) => (this.drained = resolve));
      if (spins > 1 << 30) throw new BlitError("INTERNAL", "write loop did not finish");
    }
  }

  private cancelled(signal?: AbortSignal): BlitError {
    if (signal?.aborted) return new BlitError("CANCELLED", "data connection send cancelled");
    return new BlitError(this.closed ? "PEER_CLOSED" : "CANCELLED", "data connection is closed");
  }
}

/** Socket callbacks that route to the socket's TcpChannel (created on open). */
export function channelHandler(onOpen: (channel: TcpChannel) => void): SocketHandler<TcpChannel | undefined> {
  return {
    open(socket) {
      const channel = new TcpChannel(socket);
      socket.data = channel;
      onOpen(channel);
    },
    data: (socket, chunk) => socket.data?.onData(chunk),
    drain: (socket) => socket.data?.onDrain(),
    end: (socket) => socket.data?.onEnd(),
    close: (socket, error) => socket.data?.onClose(error),
    error: (socket, error) => socket.data?.onClose(error),
  };
}
