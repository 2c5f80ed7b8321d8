/**
 * A pool of threads running fs-jobs.ts, so that blocking syscalls of many files run in parallel
 * and off the main thread. Jobs go to the thread with the fewest pending; results come back as
 * promises. Threads are unref'd: an idle pool never keeps the process alive.
 *
 * It starts with `initial` threads (the predictor's choice) and adjusts to what the run shows:
 * when a job arrives while every thread already has BACKLOG jobs queued, one more thread starts,
 * up to `max` (the cores, or --max-threads). An `eager` pool (a daemon's) never queues a job
 * on a busy thread: a job that finds no idle thread waits here and goes to the first thread that
 * becomes idle; while jobs keep waiting, one more thread starts every GROW_AFTER_MS (up to `max`).
 * One call stuck in the kernel (a hung filesystem) then holds one thread, not the jobs of every
 * other client, which wait at most GROW_AFTER_MS for a new thread when every thread is stuck.
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
/**
 * How long jobs of an eager pool wait for an idle thread before one more thread starts (one at a
 * time). Short jobs (a listing: well under 1 ms) then reuse the running threads instead of
 * starting one thread each: every new thread is a JavaScript VM that loads and compiles the same
 * code again (measured on a no-op push of 20,000 files: the 8 listing threads one per concurrent
 * listing cost the daemon 0.23 s of CPU, 2 threads 0.15 s). Longer than a new thread takes to
 * start, so the first jobs of a fresh pool do not start more.
 */
const GROW_AFTER_MS = 50;
/**
 * Buffers handed back by threads are kept for reuse up to this many bytes in all (fresh memory is zeroed and
 * faulted in page by page; reused memory is not). A new buffer is the size asked for, rounded up to whole MiB:
 * a batch of small files needs ~1 MiB, and zeroing a larger one costs ~4.5 ms per 17 MiB.
 */
const SPARES_MAX_BYTES = 68 << 20;
const MIB = 1 << 20;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Jobs not yet answered; `slot` is null while an eager pool's job waits for a thread. */
  private readonly waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void; slot: Slot | null }>();
  /** An eager pool's jobs waiting for an idle thread, oldest first. */
  private readonly queue: { id: number; job: Job; transfer: readonly ArrayBuffer[]; since: number }[] = [];
  private growth: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private readonly spares: ArrayBuffer[] = [];
  private spareBytes = 0;

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
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot: null });
      if (this.eager) {
        const idle = this.slots.find((s) => s.pending === 0);
        if (idle !== undefined) return this.dispatch(idle, id, job, transfer);
        this.queue.push({ id, job, transfer, since: performance.now() });
        return this.armGrowth();
      }
      let slot = this.slots[0]!;
      for (const s of this.slots) if (s.pending < slot.pending) slot = s;
      if (slot.pending >= BACKLOG && this.slots.length < this.max) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      this.dispatch(slot, id, job, transfer);
    });
  }

  /**
   * A buffer of at least `bytes` to fill and transfer with a job: one a thread gave back, or a
   * new one (the smallest spare that fits; a new one is whole MiB).
   */
  buffer(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.spares.length; i++) {
      const size = this.spares[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.spares[best]!.byteLength)) best = i;
    }
    if (best >= 0) {
      const [spare] = this.spares.splice(best, 1);
      this.spareBytes -= spare!.byteLength;
      return spare!;
    }
    return new ArrayBuffer(Math.max(MIB, Math.ceil(bytes / MIB) * MIB));
  }

  close(): void {
    if (this.growth !== null) clearTimeout(this.growth);
    this.growth = null;
    this.queue.length = 0;
    for (const s of this.slots) s.worker.terminate();
    for (const w of this.waiting.values()) w.reject(new Error("worker pool closed"));
    this.waiting.clear();
  }

  // --- internal ---
  private dispatch(slot: Slot, id: number, job: Job, transfer: readonly ArrayBuffer[]): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    w.slot = slot;
    slot.pending++;
    if (slot.pending === 1) slot.worker.ref();
    slot.worker.postMessage({ id, job }, [...transfer]);
  }

  /**
   * One more thread (up to `max`) once the oldest waiting job has waited GROW_AFTER_MS, and again
   * for the next one that waits as long.
   */
  private armGrowth(): void {
    const oldest = this.queue[0];
    if (this.growth !== null || oldest === undefined || this.slots.length >= this.max) return;
    this.growth = setTimeout(() => {
      this.growth = null;
      const head = this.queue[0];
      if (head !== undefined && performance.now() - head.since >= GROW_AFTER_MS && this.slots.length < this.max) {
        this.queue.shift();
        const slot = this.spawn();
        this.slots.push(slot);
        this.dispatch(slot, head.id, head.job, head.transfer);
      }
      this.armGrowth();
    }, Math.max(1, GROW_AFTER_MS - (performance.now() - oldest.since)));
    // Busy threads are ref'd while jobs wait, so the process stays up for them without this timer.
    this.growth.unref();
  }

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
    const back = reply.back;
    if (back instanceof ArrayBuffer && back.byteLength >= MIB && this.spareBytes + back.byteLength <= SPARES_MAX_BYTES) {
      this.spares.push(back);
      this.spareBytes += back.byteLength;
    }
    const w = this.waiting.get(reply.id);
    if (w === undefined) return;
    this.waiting.delete(reply.id);
    const slot = w.slot!;
    slot.pending--;
    const next = slot.pending === 0 ? this.queue.shift() : undefined;
    if (next !== undefined) this.dispatch(slot, next.id, next.job, next.transfer);
    else if (slot.pending === 0) slot.worker.unref();
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
