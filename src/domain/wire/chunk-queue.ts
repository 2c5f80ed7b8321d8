import type { BlitError } from "../errors.ts";

/**
 * An ordered queue of byte chunks between a producer (a socket's data callback, a gRPC stream) and
 * one async consumer. `queuedBytes` lets the producer apply backpressure (pause above a mark,
 * resume through `onDrained` once the consumer caught up). `close()` ends it cleanly, `fail(e)`
 * makes the consumer throw `e` after what was already queued.
 */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  queuedBytes = 0;
  private readonly chunks: Uint8Array[] = [];
  private head = 0;
  private done = false;
  private error: BlitError | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly lowWaterBytes = 0,
    private readonly onDrained: () => void = () => {},
  ) {}

  push(chunk: Uint8Array): void {
    if (this.done || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.queuedBytes += chunk.length;
    this.poke();
  }

  close(): void {
    this.done = true;
    this.poke();
  }

  fail(e: BlitError): void {
    if (this.done) return;
    this.error = e;
    this.done = true;
    this.poke();
  }

  get closed(): boolean {
    return this.done;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.head < this.chunks.length) {
        const chunk = this.chunks[this.head]!;
        this.chunks[this.head++] = EMPTY;
        if (this.head > 1024 && this.head * 2 > this.chunks.length) this.compact();
        const before = this.queuedBytes;
        this.queuedBytes -= chunk.length;
        if (before > this.lowWaterBytes && this.queuedBytes <= this.lowWaterBytes) this.onDrained();
        yield chunk;
        continue;
      }
      if (this.done) {
        if (this.error !== null) throw this.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  // --- internal ---

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private compact(): void {
    this.chunks.splice(0, this.head);
    this.head = 0;
  }
}

const EMPTY = new Uint8Array(0);
