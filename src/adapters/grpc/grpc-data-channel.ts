import { BlitError } from "../../domain/errors.ts";
import { ChunkQueue } from "../../domain/wire/chunk-queue.ts";
import type { Channel } from "../../ports/transport.ts";
import type { WireMessage } from "./wire-schema.ts";

const HIGH_WATER_BYTES = 8 << 20;
const LOW_WATER_BYTES = 2 << 20;
/**
 * Largest `DataChunk.bytes` sent: larger sends are split. 256 KiB: grpc-js under Bun reassembles a
 * message from its 16 KiB HTTP/2 frames at a cost that grows with the message (1 MiB messages spent
 * most of the receiver's CPU in Buffer.concat); 256 KiB moved 256 MiB ~1.4× faster than 1 MiB here.
 */
const MAX_CHUNK_BYTES = 256 << 10;

/** What both ends of a grpc-js bidi call offer. */
interface DuplexCall {
  write(message: WireMessage): boolean;
  end(): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(): unknown;
  cancel?: () => void;
  // biome-ignore lint: grpc-js types its events loosely.
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint: as above.
  off(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

/**
 * A data-plane Channel carried by one `Data` gRPC call (the fallback when the TCP data port cannot
 * be reached): each `DataChunk` holds a piece of the same byte stream a TCP connection would carry;
 * `end` marks the sender's end. Works on both the client and the server side of the call.
 */
export class GrpcDataChannel implements Channel {
  readonly incoming: ChunkQueue;
  private closed = false;
  /** Closed by this side (dispose): later sends are CANCELLED, not PEER_CLOSED. */
  private disposed = false;
  private ended = false;

  constructor(
    private readonly call: DuplexCall,
    /** The call rides a TLS connection. */
    readonly encrypted = false,
  ) {
    this.incoming = new ChunkQueue(LOW_WATER_BYTES, () => call.resume());
    call.on("data", (m: WireMessage) => this.onMessage(m));
    call.on("end", () => this.incoming.fail(new BlitError("PEER_CLOSED", "the peer ended the data stream without its end mark")));
    call.on("error", (e: Error) => this.gone(e));
    call.on("close", () => this.gone());
  }

  async send(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    for (let at = 0; at < bytes.length; at += MAX_CHUNK_BYTES) {
      if (signal?.aborted) throw new BlitError("CANCELLED", "send cancelled");
      if (this.closed || this.ended) throw new BlitError(this.closed && !this.disposed ? "PEER_CLOSED" : "CANCELLED", "data stream is closed");
      // grpc-js may serialize after write() returns, and senders reuse their buffers: copy.
      const piece = bytes.slice(at, Math.min(bytes.length, at + MAX_CHUNK_BYTES));
      if (!this.call.write({ bytes: piece, end: false })) await this.drain(signal);
    }
  }

  async end(): Promise<void> {
    if (this.closed || this.ended) return;
    this.ended = true;
    this.call.write({ bytes: new Uint8Array(), end: true });
    this.call.end();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.disposed = true;
    // A client call is cancelled; a server call ends with a CANCELLED status the client sees.
    if (this.call.cancel !== undefined) this.call.cancel();
    else this.call.emit("error", { code: 1, details: "data connection closed by the daemon" });
    this.incoming.fail(new BlitError("CANCELLED", "data stream closed"));
  }

  // --- internal ---

  private onMessage(m: WireMessage): void {
    const bytes = m.bytes instanceof Uint8Array ? m.bytes : new Uint8Array();
    if (bytes.length > 0) this.incoming.push(bytes);
    if (m.end === true) this.incoming.close();
    if (this.incoming.queuedBytes > HIGH_WATER_BYTES) this.call.pause();
  }

  private gone(e?: Error): void {
    this.incoming.fail(new BlitError("PEER_CLOSED", `data stream closed${e ? `: ${e.message}` : ""}`));
    this.closed = true;
    this.call.emit("drain");
  }

  private drain(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.call.off("drain", done);
        resolve();
      };
      this.call.on("drain", done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
