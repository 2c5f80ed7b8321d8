import type { Socket, SocketHandler } from "bun";
import { createHmac } from "node:crypto";
import { DATA_TOKEN_EXPORTER_LABEL } from "../../domain/wire/token.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { ChunkQueue } from "../../domain/wire/chunk-queue.ts";
import { CHUNK_SLABS } from "./chunk-slabs.ts";
import type { Channel, FileIoOutcome } from "../../ports/transport.ts";
import type { FileIoResult } from "./file-io-job.ts";
import { hasNetLibc } from "./net.ffi.ts";
import { fileError, SocketFileIo } from "./socket-file-io.ts";
import { TlsFileIo } from "./tls-file-io.ts";

/** Received bytes queued before the socket is paused (the reader is behind). */
const HIGH_WATER_BYTES = 16 << 20;
const LOW_WATER_BYTES = 4 << 20;

/**
 * One TCP connection as a Channel. Nagle is off; partial writes are kept and resent on `drain`;
 * reading pauses while more than HIGH_WATER_BYTES wait for the consumer. On Linux, `sendFile`
 * runs sendfile(2) in a worker thread once every earlier byte was accepted by the kernel, and
 * `receiveFile` pauses the socket (when nothing read is waiting) and lets a worker splice(2) the
 * bytes into the file. Over TLS (`encrypted`) both are off — the bytes must pass through the TLS
 * library; sendfile on the socket's fd would write plaintext into the stream —: `sendFile` and
 * `receiveFile` then move the bytes through reused span buffers (tls-file-io.ts), and tokens are
 * bound to the TLS session through the exporter.
 */
export class TcpChannel implements Channel {
  readonly incoming: ChunkQueue;
  private drained: (() => void) | null = null;
  private readonly io: SocketFileIo;
  /** Over TLS: file sends and receives through the TLS library. */
  private readonly tls: TlsFileIo | null;
  /** A worker is taking bytes from the socket: Bun must not read it. */
  private receiving = false;
  private closed = false;
  /** Closed by this side (dispose): later sends are CANCELLED, not PEER_CLOSED. */
  private disposed = false;
  private ended = false;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Socket<TcpChannel | undefined>,
    readonly encrypted = false,
  ) {
    socket.setNoDelay(true);
    this.incoming = new ChunkQueue(LOW_WATER_BYTES, () => this.receiving || socket.resume());
    this.io = new SocketFileIo(() => {
      const fd = (socket as unknown as { fd?: unknown }).fd;
      return typeof fd === "number" && !this.closed ? fd : -1;
    });
    this.tls = encrypted ? new TlsFileIo({ write: (bytes, signal) => this.write(bytes, signal), wake: () => this.onDrain(), pause: () => socket.pause(), resume: () => this.closed || socket.resume() }) : null;
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress;
  }

  sessionBinding(token: Uint8Array): Uint8Array {
    if (!this.encrypted) return token;
    const exporter = (this.socket as unknown as { exportKeyingMaterial(n: number, label: string, context?: Uint8Array): Uint8Array }).exportKeyingMaterial(32, DATA_TOKEN_EXPORTER_LABEL);
    return new Uint8Array(createHmac("sha256", token).update(exporter).digest());
  }

  release(chunk: Uint8Array): void {
    CHUNK_SLABS.release(chunk);
  }

  get zeroCopyBytes(): number {
    return this.io.zeroCopyBytes;
  }

  send(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const next = this.sending.then(() => this.write(bytes, signal));
    this.sending = next.catch(() => {});
    return next;
  }

  sendFile(head: Uint8Array, file: { readonly fd: number }, offset: number, length: number, signal?: AbortSignal): Promise<FileIoOutcome | null> {
    const next = this.sending.then(() => (this.tls !== null ? this.pumpTls(this.tls, head, file.fd, offset, length, signal) : this.pumpFile(head, file.fd, offset, length, signal)));
    this.sending = next.then(
      () => {},
      () => {},
    );
    return next;
  }

  receiveFile(file: { readonly fd: number }, offset: number, length: number, signal?: AbortSignal, hashFrom = offset): Promise<FileIoOutcome | null> {
    if (this.tls !== null) {
      // Bytes Bun already read come first; from here on the data callback hands them to the file.
      if (this.closed || this.incoming.closed || this.incoming.queuedBytes > 0 || this.tls.receiving) return Promise.resolve(null);
      const receiving = this.tls.receive(file.fd, offset, length, signal, hashFrom);
      this.socket.resume();
      return receiving.catch((e: unknown) => Promise.reject(this.cut(e, signal)));
    }
    // Bytes Bun already read come first; pausing before any await keeps the rest in the kernel.
    if ( !hasNetLibc() || this.closed || this.incoming.closed || this.incoming.queuedBytes > 0 || this.receiving) return Promise.resolve(null);
    this.socket.pause();
    this.receiving = true;
    return this.pullFile(file.fd, offset, length, signal, hashFrom);
  }

  async end(): Promise<void> {
    await this.sending;
    if (this.closed || this.ended) return;
    this.ended = true;
    this.socket.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.disposed = true;
    this.io.abort();
    if (!this.closed) this.socket.terminate();
    this.onClose();
  }

  // --- handlers (called by the socket handler below) ---

  onData(chunk: Uint8Array): void {
    if (this.tls?.receiving === true) {
      chunk = this.tls.take(chunk);
      if (chunk.length === 0) return;
    }
    if (this.receiving) {
      // The socket is paused while a worker splices from it; bytes here would be out of order.
      this.incoming.fail(new BlitError("INTERNAL", "data connection delivered bytes while a file receive owned it"));
      this.socket.terminate();
      return;
    }
    // Bun reuses the buffer it hands us: keep a copy (in reused memory; see chunk-slabs.ts).
    this.incoming.push(CHUNK_SLABS.copy(chunk));
    if (this.incoming.queuedBytes > HIGH_WATER_BYTES) this.socket.pause();
  }

  onDrain(): void {
    const d = this.drained;
    this.drained = null;
    d?.();
  }

  onEnd(): void {
    this.tls?.fail(new BlitError("PEER_CLOSED", "data connection ended inside a file record"));
    this.incoming.close();
  }

  onClose(error?: Error): void {
    const first = !this.closed;
    this.closed = true;
    const why = new BlitError("PEER_CLOSED", `data connection closed by the peer${error ? `: ${error.message}` : ""}`);
    if (first) this.incoming.fail(why);
    this.tls?.fail(why);
    this.io.close();
    this.onDrain();
  }

  // --- internal ---

  private async write(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    let rest = bytes;
    for (let spins = 0; rest.length > 0; spins++) {
      if (signal?.aborted || this.closed || this.ended) throw this.cancelled(signal);
      const n = this.socket.write(rest);
      // Refused: the socket is gone — closed by this side, or broken before its close callback ran.
      if (n < 0) throw signal?.aborted || this.disposed ? this.cancelled(signal) : new BlitError("PEER_CLOSED", "data connection is closed");
      rest = rest.subarray(n);
      if (rest.length === 0) return;
      await new Promise<void>((resolve) => (this.drained = resolve));
      if (spins > 1 << 30) throw new BlitError("INTERNAL", "write loop did not finish");
    }
  }

  private async pumpFile(head: Uint8Array, fd: number, offset: number, length: number, signal?: AbortSignal): Promise<FileIoOutcome | null> {
    if (signal?.aborted || this.closed || this.ended) throw this.cancelled(signal);
    let r: FileIoResult | null;
    try {
      r = await this.io.run("send", fd, offset, length, signal, () => this.write(head, signal));
    } catch (e) {
      throw this.cut(e, signal);
    }
    if (r === null) return null;
    // The record is hashed from the file on the hash thread while the next one is sent.
    if (r.outcome === "done") return { bytes: r.moved, zeroCopyBytes: r.zeroCopy, digest: quiet(this.io.hash(fd, offset, r.moved)) };
    if (r.outcome === "file-ended") return { bytes: r.moved, zeroCopyBytes: r.zeroCopy };
    if (r.outcome === "file-error") return { bytes: r.moved, zeroCopyBytes: r.zeroCopy, error: fileError(r.errno, "reading") };
    throw this.cut(r, signal);
  }

  private async pumpTls(tls: TlsFileIo, head: Uint8Array, fd: number, offset: number, length: number, signal?: AbortSignal): Promise<FileIoOutcome> {
    if (signal?.aborted || this.closed || this.ended) throw this.cancelled(signal);
    try {
      return await tls.send(head, fd, offset, length, signal);
    } catch (e) {
      throw this.cut(e, signal);
    }
  }

  private async pullFile(fd: number, offset: number, length: number, signal?: AbortSignal, hashFrom = offset): Promise<FileIoOutcome | null> {
    let r: FileIoResult | null;
    try {
      r = await this.io.run("receive", fd, offset, length, signal);
    } catch (e) {
      this.receiving = false;
      throw this.cut(e, signal);
    }
    this.receiving = false;
    if (r === null || r.outcome === "unsupported" || r.outcome === "done" || r.outcome === "file-error") {
      if (!this.closed) this.socket.resume();
      if (r === null || r.outcome === "unsupported") return null;
      if (r.outcome === "file-error") return { bytes: 0, zeroCopyBytes: 0, error: fileError(r.errno, "writing") };
      // Read back and hashed on the hash thread while the next bytes are received.
      return { bytes: r.moved, zeroCopyBytes: r.zeroCopy, digest: quiet(this.io.hash(fd, hashFrom, offset + length - hashFrom)) };
    }
    throw this.cut(r, signal);
  }

  /** A file job that ended the connection (a record was cut): closes it; the error to throw. */
  private cut(why: FileIoResult | unknown, signal?: AbortSignal): BlitError {
    const wasClosed = this.closed;
    if (!this.closed) this.socket.terminate();
    this.onClose();
    const r = why as Partial<FileIoResult>;
    if (r.outcome === "cancelled") return signal?.aborted ? new BlitError("CANCELLED", "data connection file transfer cancelled") : new BlitError(wasClosed ? "PEER_CLOSED" : "CANCELLED", "data connection is closed");
    if (r.outcome === "socket-error") return new BlitError("PEER_CLOSED", `data connection broke during a file transfer (${r.errno === 0 ? "the peer ended it" : `errno ${r.errno}`})`, { errno: r.errno ?? 0 });
    return isBlitError(why) ? why : new BlitError("PEER_CLOSED", `data connection lost its file transfer thread: ${String(why)}`);
  }

  private cancelled(signal?: AbortSignal): BlitError {
    if (signal?.aborted) return new BlitError("CANCELLED", "data connection send cancelled");
    return new BlitError(this.closed && !this.disposed ? "PEER_CLOSED" : "CANCELLED", "data connection is closed");
  }
}

/** `p`, with no unhandled-rejection report when nobody waits for it (a cut transfer). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Checks a listener makes on every accepted connection before its TLS handshake (SPEC §9 doors). */
export interface ConnectionGate {
  /** Admits a connection from `address` until its handshake ends: why not (it is closed at once), or null. */
  readonly enter: (address: string) => string | null;
  /** The connection admitted by `enter` finished its handshake or closed. */
  readonly leave: (address: string) => void;
  /** How long the TLS handshake may take before the connection is closed. */
  readonly handshakeTimeoutMs: number;
  /** Told of every connection closed by this gate, and why. */
  readonly refused: (address: string, why: string) => void;
}

/**
 * Socket callbacks that route to the socket's TcpChannel, created on open — or, with `tls`, once
 * the handshake completed and `tls.accept(socket, verified)` returned null (`verified`: Bun found
 * the peer's chain valid for its name; a pinning client checks the certificate itself; else the socket is closed and
 * `tls.refused` told why). A `gate` screens each connection at open, before any TLS work, and
 * bounds its handshake.
 */
export function channelHandler(
  onOpen: (channel: TcpChannel) => void,
  tls?: { readonly accept: (socket: Socket<TcpChannel | undefined>, verified: boolean, why: string) => string | null; readonly refused: (why: string) => void },
  gate?: ConnectionGate,
): SocketHandler<TcpChannel | undefined> {
  // Connections admitted by the gate whose TLS handshake has not ended yet.
  const gating = new Map<Socket<TcpChannel | undefined>, ReturnType<typeof setTimeout>>();
  const ungate = (socket: Socket<TcpChannel | undefined>) => {
    const timer = gating.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    gating.delete(socket);
    gate?.leave(socket.remoteAddress);
  };
  const opened = (socket: Socket<TcpChannel | undefined>, encrypted: boolean) => {
    const channel = new TcpChannel(socket, encrypted);
    socket.data = channel;
    onOpen(channel);
  };
  return {
    open(socket) {
      if (gate !== undefined) {
        const address = socket.remoteAddress;
        const why = gate.enter(address);
        if (why !== null) {
          socket.terminate();
          gate.refused(address, why);
          return;
        }
        if (tls === undefined) gate.leave(address);
        else {
          const timer = setTimeout(() => {
            socket.terminate();
            gate.refused(address, `no TLS handshake within ${gate.handshakeTimeoutMs / 1000} s`);
          }, gate.handshakeTimeoutMs);
          gating.set(socket, timer);
        }
      }
      if (tls === undefined) opened(socket, false);
    },
    handshake(socket, success, authorizationError) {
      if (tls === undefined) return;
      ungate(socket);
      const why = tls.accept(socket, success, `TLS handshake failed: ${authorizationError?.message ?? "refused"}`);
      if (why === null) {
        opened(socket, true);
        return;
      }
      // Told first: terminating runs the close callback, whose "closed" must not hide why.
      tls.refused(why);
      socket.terminate();
    },
    data: (socket, chunk) => socket.data?.onData(chunk),
    drain: (socket) => socket.data?.onDrain(),
    end: (socket) => socket.data?.onEnd(),
    close: (socket, error) => {
      ungate(socket);
      socket.data?.onClose(error);
    },
    error: (socket, error) => socket.data?.onClose(error),
  };
}
