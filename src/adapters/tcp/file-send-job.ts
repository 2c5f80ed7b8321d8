/** Messages between file-send-thread.ts and file-send-worker.ts. */

/** Send `length` bytes of file `fd` from `offset` to socket `sock` (a descriptor the worker may use until it answers). */
export interface FileSendJob {
  readonly id: number;
  readonly sock: number;
  readonly fd: number;
  readonly offset: number;
  readonly length: number;
  /** Set to non-zero (Atomics) to make the worker stop between two chunks. */
  readonly stop: Int32Array;
}

/**
 * How a job ended. `sent` bytes reached the socket (`zeroCopy` of them by sendfile).
 * done: all of them; file-ended: the file ended first (it shrank); file-error / socket-error: the
 * call failed with `errno`; cancelled: `stop` was set.
 */
export interface FileSendResult {
  readonly id: number;
  readonly sent: number;
  readonly zeroCopy: number;
  readonly outcome: "done" | "file-ended" | "file-error" | "socket-error" | "cancelled";
  readonly errno: number;
}
