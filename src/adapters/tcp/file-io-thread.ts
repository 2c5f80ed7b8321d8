import type { FileIoJob, FileIoResult } from "./file-io-job.ts";

/**
 * A worker thread of a TCP channel that runs its file sends or receives (file-io-worker.ts), so
 * that sendfile, splice and poll never block the event loop. Started on first use; `ready` says
 * whether it could start at all (else the channel moves file bytes through its buffered path).
 * One job at a time (the channel orders them). The thread is unref'd while idle.
 */
export class FileIoThread {
  private worker: Worker | null = null;
  private started: Promise<boolean> | null = null;
  private startedAs: ((ok: boolean) => void) | null = null;
  private job: { id: number; resolve: (r: FileIoResult) => void; reject: (e: Error) => void } | null = null;
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private closed = false;

  /** Starts the thread once; false when it cannot run (the caller uses its buffered path). */
  ready(): Promise<boolean> {
    this.started ??= this.start();
    return this.started;
  }

  /** Runs one job (file-io-job.ts) on socket descriptor `sock`; rejects only if the thread dies. */
  run(kind: FileIoJob["kind"], sock: number, fd: number, offset: number, length: number): Promise<FileIoResult> {
    const worker = this.worker;
    if (worker === null || this.closed || this.job !== null) return Promise.reject(new Error("file I/O thread is not ready"));
    Atomics.store(this.stopFlag, 0, 0);
    const id = this.nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      this.job = { id, resolve, reject };
      const job: FileIoJob = { id, kind, sock, fd, offset, length, stop: this.stopFlag };
      worker.postMessage(job);
    });
  }

  /** Asks the running job to stop between two chunks (it answers "cancelled"). */
  stop(): void {
    Atomics.store(this.stopFlag, 0, 1);
  }

  /** Stops the thread once the running job (if any) answered. */
  close(): void {
    this.closed = true;
    this.stop();
    if (this.job === null) this.terminate();
  }

  // --- internal ---

  private start(): Promise<boolean> {
    return new Promise((resolve) => {
      this.startedAs = resolve;
      let worker: Worker;
      try {
        worker = new Worker(workerUrl());
      } catch {
        resolve(false);
        return;
      }
      this.worker = worker;
      worker.onmessage = (event: MessageEvent<FileIoResult | { ready: true }>) => {
        if ("ready" in event.data) return resolve(!this.closed);
        this.settle(event.data);
      };
      worker.onerror = (event) => {
        resolve(false);
        const j = this.job;
        this.job = null;
        j?.reject(new Error(`file I/O thread failed: ${event.message}`));
        this.terminate();
      };
    });
  }

  private settle(r: FileIoResult): void {
    const j = this.job;
    if (j === null || j.id !== r.id) return;
    this.job = null;
    this.worker?.unref();
    if (this.closed) this.terminate();
    j.resolve(r);
  }

  private terminate(): void {
    this.startedAs?.(false);
    this.worker?.terminate();
    this.worker = null;
  }
}

/**
 * Next to this file when run from source; in a compiled program, at its folder below the build's
 * root (scripts/build.ts adds every *-worker.ts as an entry point with --root=src/adapters).
 */
const workerUrl = (): string =>
  (import.meta.url.includes("/$bunfs/") ? new URL("./tcp/file-io-worker.ts", import.meta.url) : new URL("./file-io-worker.ts", import.meta.url)).href;
