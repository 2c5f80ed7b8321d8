import type { Socket, SocketHandler } from "bun";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { ChunkQueue } from "../../domain/wire/chunk-queue.ts";
import type { Channel, FileSendOutcome } from "../../ports/transport.ts";
import { FileSendThread } from "./file-send-thread.ts";
import { closeFd, dupFd, hasNetLibc, shutdownFd } from "./net.ffi.ts";

/** Received bytes queued before the socket is paused (the reader is behind). */
const HIGH_WATER_BYTES = 16 << 20;
const LOW_WATER_BYTES = 4 << 20;

/**
 * One TCP connection as a Channel. Nagle is off; partial writes are kept and resent on `drain`;
 * reading pauses while more than HIGH_WATER_BYTES wait for the consumer. On Linux, `sendFile`
 * runs sendfile(2) in the channel's own worker thread on a dup of the socket's descriptor, once
 * every earlier byte was accepted by the kernel.
 */
export class TcpChannel implements Channel {
  readonly incoming: ChunkQueue;
  zeroCopyBytes = 0;
  private drained: (() => void) | null = null;
  private thread: FileSendThread | null = null;
  /** The socket descriptor the worker is using (a dup, closed here once the worker answered); -1 when idle. */
  private lent = -1;
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

  sendFile(head: Uint8Array, file: { readonly fd: number }, offset: number, length: number, signal?: AbortSignal): Promise<FileSendOutcome | null> {
    const next = this.sending.then(() => this.pumpFile(head, file.fd, offset, length, signal));
    this.sending = next.then(
      () => {},
      () => {},
    );
    return next;
  }

  async end(): Promise<void> {
    await this.sending;
    if (this.closed || this.ended) return;
    this.ended = true;
    this.socket.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.lent >= 0) shutdownFd(this.lent);
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
    this.thread?.close();
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

  private async pumpFile(head: Uint8Array, fd: number, offset: number, length: number, signal?: AbortSignal): Promise<FileSendOutcome | null> {
    const socketFd = (this.socket as unknown as { fd?: unknown }).fd;
    if (!hasNetLibc() || typeof socketFd !== "number" || socketFd < 0) return null;
    this.thread ??= new FileSendThread();
    if (!(await this.thread.ready())) return null;
    if (signal?.aborted || this.closed || this.ended) throw this.cancelled(signal);
    const sock = dupFd(socketFd);
    if (sock < 0) return null;
    this.lent = sock;
    const stop = () => this.thread?.stop();
    signal?.addEventListener("abort", stop);
    try {
      await this.write(head, signal);
      const r = await this.thread.send(sock, fd, offset, length);
      this.zeroCopyBytes += r.zeroCopy;
      if (r.outcome === "done" || r.outcome === "file-ended") return { bytes: r.sent, zeroCopyBytes: r.zeroCopy };
      if (r.outcome === "file-error") return { bytes: r.sent, zeroCopyBytes: r.zeroCopy, error: new BlitError("INTERNAL", `reading the file failed (errno ${r.errno})`, { errno: r.errno }) };
      throw r.outcome === "cancelled" ? this.cancelled(signal) : new BlitError("PEER_CLOSED", `data connection broke while sending a file (errno ${r.errno})`, { errno: r.errno });
    } catch (e) {
      // A record may have been cut: nothing more can go on this connection.
      if (!this.closed) this.socket.terminate();
      this.onClose();
      throw isBlitError(e) ? e : new BlitError("PEER_CLOSED", `data connection lost its file sender: ${String(e)}`);
    } finally {
      signal?.removeEventListener("abort", stop);
      this.lent = -1;
      closeFd(sock);
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
