import { BlitError } from "../../domain/errors.ts";
import type { FileIoJob, FileIoResult } from "./file-io-job.ts";
import { FileIoThread } from "./file-io-thread.ts";
import { closeFd, dupFd, hasNetLibc, resetOnClose } from "./net.ffi.ts";

/**
 * File I/O threads alive in this process (about 2.4 MB each): past this many, further connections
 * move file bytes through their buffered path instead of starting one more.
 */
const MAX_THREADS = 64;
let liveThreads = 0;

/**
 * The zero-copy side of one TCP connection: runs file sends and receives in worker threads (one
 * per direction, started on first use, ended with the connection) on a dup of the socket's
 * descriptor, so that Bun closing its own descriptor never lets a worker touch a reused number.
 * The dup is closed only after the worker answered.
 */
export class SocketFileIo {
  /** Bytes moved by sendfile or splice, both directions. */
  zeroCopyBytes = 0;
  private readonly threads: Record<FileIoJob["kind"], FileIoThread | null> = { send: null, receive: null };
  private readonly lent = new Set<number>();
  private closed = false;

  constructor(private readonly socketFd: () => number) {}

  /**
   * Runs one job on file `fd`. `before` runs once the thread is ready and the socket lent (the
   * send side writes the record head there). Null, having done nothing (`before` not called), when
   * file I/O cannot run here (not Linux, no descriptor, no thread). `signal` stops the worker.
   */
  async run(kind: FileIoJob["kind"], fd: number, offset: number, length: number, signal?: AbortSignal, before?: () => Promise<void>): Promise<FileIoResult | null> {
    const socketFd = this.socketFd();
    if (!hasNetLibc() || socketFd < 0) return null;
    const thread = this.threads[kind] ?? this.startThread(kind);
    if (thread === null || !(await thread.ready())) return null;
    const sock = dupFd(socketFd);
    if (sock < 0) return null;
    this.lent.add(sock);
    const stop = () => thread.stop();
    signal?.addEventListener("abort", stop);
    try {
      await before?.();
      const running = thread.run(kind, sock, fd, offset, length);
      // A new job clears the stop flag: an abort that came before it is applied now.
      if (signal?.aborted) stop();
      const r = await running;
      this.zeroCopyBytes += r.zeroCopy;
      return r;
    } finally {
      signal?.removeEventListener("abort", stop);
      this.lent.delete(sock);
      closeFd(sock);
    }
  }

  /**
   * Stops running jobs (the connection is going away; workers see it within a poll slice) and
   * makes the socket reset when the last descriptor closes, so the peer sees it broken.
   */
  abort(): void {
    for (const sock of this.lent) resetOnClose(sock);
    this.threads.send?.stop();
    this.threads.receive?.stop();
  }

  /** Ends the threads once their jobs answered. */
  close(): void {
    for (const kind of ["send", "receive"] as const) {
      const thread = this.threads[kind];
      if (thread === null) continue;
      thread.close();
      this.threads[kind] = null;
      liveThreads--;
    }
    this.closed = true;
  }

  // --- internal ---

  private startThread(kind: FileIoJob["kind"]): FileIoThread | null {
    if (this.closed || liveThreads >= MAX_THREADS) return null;
    liveThreads++;
    this.threads[kind] = new FileIoThread();
    return this.threads[kind];
  }
}

const ERRNO_TEXT: Readonly<Record<number, string>> = {
  1: "operation not permitted",
  5: "input/output error",
  13: "permission denied",
  27: "file too large",
  28: "no space left on device",
  122: "disk quota exceeded",
};

/**
 * The BlitError of a file that failed with `errno` on this side. The channel does not know the
 * file's name: `details.reason` is the bare cause, for the store that names the file.
 */
export function fileError(errno: number, doing: string): BlitError {
  const code = errno === 28 || errno === 122 || errno === 27 ? "NO_SPACE" : errno === 13 || errno === 1 ? "PERMISSION_DENIED" : "INTERNAL";
  const reason = ERRNO_TEXT[errno] ?? `errno ${errno}`;
  return new BlitError(code, `${doing} the file failed: ${reason}`, { errno, reason });
}
