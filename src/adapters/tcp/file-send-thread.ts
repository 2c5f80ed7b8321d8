import type { FileSendJob, FileSendResult } from "./file-send-job.ts";

/**
 * The worker thread of one TCP channel that runs its file sends (file-send-worker.ts), so that
 * sendfile and poll never block the event loop. Started on first use; `ready` says whether it
 * could start at all (else the channel sends file bytes through its buffered path). One job at a
 * time (the channel's send queue orders them). The thread is unref'd while idle.
 */
export class FileSendThread {
  private worker: Worker | null = null;
  private started: Promise<boolean> | null = null;
  private startedAs: ((ok: boolean) => void) | null = null;
  private job: { id: number; resolve: (r: FileSendResult) => void; reject: (e: Error) => void } | null = null;
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private closed = false;

  /** Starts the thread once; false when it cannot run (the caller uses its buffered path). */
  ready(): Promise<boolean> {
    this.started ??= this.start();
    return this.started;
  }

  /** Sends `length` bytes of `fd` from `offset` to socket descriptor `sock`; rejects only if the thread dies. */
  send(sock: number, fd: number, offset: number, length: number): Promise<FileSendResult> {
    const worker = this.worker;
    if (worker === null || this.closed || this.job !== null) return Promise.reject(new Error("file send thread is not ready"));
    Atomics.store(this.stopFlag, 0, 0);
    const id = this.nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      this.job = { id, resolve, reject };
      const job: FileSendJob = { id, sock, fd, offset, length, stop: this.stopFlag };
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
      worker.onmessage = (event: MessageEvent<FileSendResult | { ready: true }>) => {
        if ("ready" in event.data) return resolve(!this.closed);
        this.settle(event.data);
      };
      worker.onerror = (event) => {
        resolve(false);
        const j = this.job;
        this.job = null;
        j?.reject(new Error(`file send thread failed: ${event.message}`));
        this.terminate();
      };
    });
  }

  private settle(r: FileSendResult): void {
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
  (import.meta.url.includes("/$bunfs/") ? new URL("./tcp/file-send-worker.ts", import.meta.url) : new URL("./file-send-worker.ts", import.meta.url)).href;
