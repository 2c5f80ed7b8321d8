/**
 * A pool of threads running fs-jobs.ts, so that blocking syscalls of many files run in parallel
 * and off the main thread. Jobs go to the thread with the fewest pending; results come back as
 * promises. Threads are unref'd: an idle pool never keeps the process alive.
 *
 * It starts with `initial` threads (the predictor's choice) and adjusts to what the run shows:
 * when a job arrives while every thread already has BACKLOG jobs queued, one more thread starts,
 * up to `max` (the cores, or --max-threads). An `eager` pool (a daemon's) never queues a job
 * behind another while it may start a thread: one call stuck in the kernel (a hung filesystem)
 * then holds one thread, not the jobs of every other client.
 */
import type { Job, JobResult } from "./fs-jobs.ts";
import { fromWireError, type WireError } from "./to-blit-error.ts";

interface Slot {
  readonly worker: Worker;
  pending: number;
}
type Reply = { id: number; ok?: JobResult; err?: WireError; back?: ArrayBuffer };

/** Jobs queued on every thread before the pool grows. */
const BACKLOG = 2;
/** Buffers handed back by threads kept for reuse, and the least size of a new one. */
const MAX_SPARES = 4;
const SPARE_BYTES = 17 << 20;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextId = 1;
  private readonly spares: ArrayBuffer[] = [];

  constructor(
    initial: number,
    readonly max: number = initial,
    private readonly eager = false,
  ) {
    for (let i = 0; i < Math.max(1, Math.min(initial, max)); i++) this.slots.push(this.spawn());
  }

  /** Threads running now. */
  get size(): number {
    return this.slots.length;
  }

  /** Jobs not yet answered, over all threads. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Runs `job` on a thread; `transfer` lists buffers moved to it instead of copied (they become unusable here). */
  run(job: Job, transfer: readonly ArrayBuffer[] = []): Promise<JobResult> {
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending < slot.pending) slot = s;
    if (slot.pending >= (this.eager ? 1 : BACKLOG) && this.slots.length < this.max) {
      slot = this.spawn();
      this.slots.push(slot);
    }
    const id = this.nextId++;
    slot.pending++;
    if (slot.pending === 1) slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, job }, [...transfer]);
    });
  }

  /**
   * A buffer of at least `bytes` to fill and transfer with a job: one a thread gave back, or a
   * new one (at least SPARE_BYTES, so that it can be reused).
   */
  buffer(bytes: number): ArrayBuffer {
    const i = this.spares.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return this.spares.splice(i, 1)[0]!;
    return new ArrayBuffer(Math.max(bytes, SPARE_BYTES));
  }

  close(): void {
    for (const s of this.slots) s.worker.terminate();
    for (const w of this.waiting.values()) w.reject(new Error("worker pool closed"));
    this.waiting.clear();
  }

  // --- internal ---
  private spawn(): Slot {
    const worker = new Worker(workerUrl());
    const slot: Slot = { worker, pending: 0 };
    worker.unref();
    worker.onmessage = (event: MessageEvent<Reply>) => this.settle(event.data);
    worker.onerror = (event) => {
      for (const [id, w] of this.waiting) {
        if (w.slot !== slot) continue;
        this.waiting.delete(id);
        w.reject(new Error(`local worker failed: ${event.message}`));
      }
    };
    return slot;
  }

  private settle(reply: Reply): void {
    if (reply.back instanceof ArrayBuffer && reply.back.byteLength >= SPARE_BYTES && this.spares.length < MAX_SPARES) this.spares.push(reply.back);
    const w = this.waiting.get(reply.id);
    if (w === undefined) return;
    this.waiting.delete(reply.id);
    w.slot.pending--;
    if (w.slot.pending === 0) w.slot.worker.unref();
    if (reply.err !== undefined) w.reject(fromWireError(reply.err));
    else w.resolve(reply.ok as JobResult);
  }
}

/**
 * Next to this file when run from source; in a compiled program, at its folder below the build's
 * root (scripts/build.ts adds every *-worker.ts as an entry point with --root=src/adapters).
 */
const workerUrl = (): string =>
  (import.meta.url.includes("/$bunfs/") ? new URL("./local/local-worker.ts", import.meta.url) : new URL("./local-worker.ts", import.meta.url)).href;
