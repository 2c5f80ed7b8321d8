/** Messages between file-io-thread.ts and file-io-worker.ts. */

/**
 * send: `length` bytes of file `fd` from `offset` to socket `sock`. receive: the next `length`
 * bytes of socket `sock` into file `fd` at `offset`. hash: the record digest of `length` bytes of
 * file `fd` from `offset` (no socket). `sock` is a descriptor the worker may use
 * until it answers; `fd` stays open until then too.
 */
export interface FileIoJob {
  readonly id: number;
  readonly kind: "send" | "receive" | "hash";
  readonly sock: number;
  readonly fd: number;
  readonly offset: number;
  readonly length: number;
  /** Set to non-zero (Atomics) to make the worker stop between two chunks. */
  readonly stop: Int32Array;
}

/**
 * How a job ended. `moved` bytes left (send) or were taken from (receive) the socket, `zeroCopy`
 * of them by sendfile/splice.
 * - done: all of them;
 * - file-ended (send): the file ended first (it shrank);
 * - file-error: the file failed with `errno` (receive: the rest of the bytes were taken and dropped);
 * - socket-error: the connection failed with `errno` (0: it ended);
 * - unsupported (receive): splice cannot be used here; nothing was taken;
 * - cancelled: `stop` was set.
 */
export interface FileIoResult {
  readonly id: number;
  readonly moved: number;
  readonly zeroCopy: number;
  readonly outcome: "done" | "file-ended" | "file-error" | "socket-error" | "unsupported" | "cancelled";
  readonly errno: number;
  /** hash, on "done": the record digest of the range. */
  readonly digest?: Uint8Array;
}
