/**
 * Worker entry: moves a range of bytes between an open file and a non-blocking socket, one message
 * per job (file-io-thread.ts posts them), so that no blocking call runs on the event loop.
 * - send: sendfile(2); when the kernel refuses these descriptors (EINVAL, ENOSYS, EOPNOTSUPP) the
 *   rest of the range is read with pread and sent with send(2).
 * - receive: splice(2) socket → pipe → file at the offset; when the file refuses splice, the pipe
 *   is read and the bytes written with pwrite. When the file fails (ENOSPC, EIO), the rest of the
 *   range is still taken from the socket and dropped, so the connection stays in step.
 * A socket that is not ready is waited for with poll in short slices so that a stop request (the
 * `stop` flag) is seen within POLL_SLICE_MS.
 * - hash: the record digest of a range of the file, read back from it (the page cache): what a
 *   send sent, what a receive wrote; run on a thread of its own, next to the transfers.
 */
import * as fs from "node:fs";
import type { FileIoJob, FileIoResult } from "./file-io-job.ts";
import { hashRange } from "./record-hash.ts";
import { closeFd, EAGAIN, EINTR, hasNetLibc, makePipe, sendBytes, sendFileChunk, spliceFromSocket, spliceToFile, waitReadable, waitWritable } from "./net.ffi.ts";

declare const self: Worker;

const POLL_SLICE_MS = 100;
/** Bytes asked of one sendfile call (a DATA record is at most 8 MiB anyway). */
const CHUNK_BYTES = 8 << 20;
const COPY_BUFFER_BYTES = 1 << 20;
const PIPE_BYTES = 1 << 20;
/** errno values meaning "sendfile/splice cannot be used with these descriptors". */
const UNSUPPORTED = new Set([22, 38, 95]);
/** errno values that belong to the socket (the peer or the connection), not the file. */
const SOCKET_ERRNO = new Set([32, 104, 107, 110, 113, 101, 9, 88]);

let copyBuffer: Uint8Array | null = null;
/** The receive pipe [read end, write end]; remade after a job that may have left bytes in it. */
let pipe: [number, number] | null = null;

self.onmessage = (event: MessageEvent<FileIoJob>) => {
  const job = event.data;
  self.postMessage(job.kind === "send" ? send(job) : job.kind === "receive" ? receive(job) : hash(job));
};
self.postMessage({ ready: true });

function send(job: FileIoJob): FileIoResult {
  let pos = job.offset;
  const end = job.offset + job.length;
  let zeroCopy = 0;
  let useSendfile = hasNetLibc();
  const result = (outcome: FileIoResult["outcome"], errno = 0, extra = 0): FileIoResult => ({ id: job.id, moved: pos + extra - job.offset, zeroCopy, outcome, errno });
  while (pos < end) {
    if (Atomics.load(job.stop, 0) !== 0) return result("cancelled");
    if (!useSendfile) {
      const r = copyChunk(job, pos, end);
      if (r.outcome !== undefined) return result(r.outcome, r.errno, r.sent);
      pos += r.sent;
      continue;
    }
    const n = sendFileChunk(job.sock, job.fd, pos, Math.min(end - pos, CHUNK_BYTES));
    if (n > 0) {
      pos += n;
      zeroCopy += n;
    } else if (n === 0) {
      return result("file-ended");
    } else if (-n === EAGAIN) {
      waitWritable(job.sock, POLL_SLICE_MS);
    } else if (UNSUPPORTED.has(-n)) {
      useSendfile = false;
    } else if (-n !== EINTR) {
      return result(SOCKET_ERRNO.has(-n) ? "socket-error" : "file-error", -n);
    }
  }
  return result("done");
}

function hash(job: FileIoJob): FileIoResult {
  const digest = hashRange(job.fd, job.offset, job.length);
  return digest === null ? { id: job.id, moved: 0, zeroCopy: 0, outcome: "file-error", errno: 5 } : { id: job.id, moved: job.length, zeroCopy: 0, outcome: "done", errno: 0, digest };
}

/** One pread + send of up to COPY_BUFFER_BYTES; `outcome` set when the job must stop. */
function copyChunk(job: FileIoJob, pos: number, end: number): { sent: number; outcome?: FileIoResult["outcome"]; errno?: number } {
  copyBuffer ??= new Uint8Array(COPY_BUFFER_BYTES);
  let got: number;
  try {
    got = fs.readSync(job.fd, copyBuffer, 0, Math.min(end - pos, copyBuffer.length), pos);
  } catch (e) {
    return { sent: 0, outcome: "file-error", errno: Math.abs((e as { errno?: number }).errno ?? 5) };
  }
  if (got === 0) return { sent: 0, outcome: "file-ended" };
  let sent = 0;
  while (sent < got) {
    if (Atomics.load(job.stop, 0) !== 0) return { sent, outcome: "cancelled" };
    const n = sendBytes(job.sock, copyBuffer.subarray(sent, got));
    if (n > 0) sent += n;
    else if (-n === EAGAIN) waitWritable(job.sock, POLL_SLICE_MS);
    else if (-n !== EINTR) return { sent, outcome: "socket-error", errno: -n };
  }
  return { sent };
}

function receive(job: FileIoJob): FileIoResult {
  pipe ??= makePipe(PIPE_BYTES);
  if (pipe === null) return { id: job.id, moved: 0, zeroCopy: 0, outcome: "unsupported", errno: 0 };
  const [pipeOut, pipeIn] = pipe;
  let taken = 0;
  let zeroCopy = 0;
  /** How bytes leave the pipe: into the file by splice, by pwrite, or dropped after a file error. */
  let mode: "splice" | "pwrite" | "drop" = "splice";
  let fileErrno = 0;
  const result = (outcome: FileIoResult["outcome"], errno = 0): FileIoResult => {
    if (outcome !== "done" && outcome !== "file-error") dropPipe();
    return { id: job.id, moved: taken, zeroCopy, outcome, errno };
  };
  while (taken < job.length) {
    if (Atomics.load(job.stop, 0) !== 0) return result("cancelled");
    const n = spliceFromSocket(job.sock, pipeIn, Math.min(job.length - taken, PIPE_BYTES));
    if (n === 0) return result("socket-error", 0);
    if (n < 0) {
      if (-n === EAGAIN) waitReadable(job.sock, POLL_SLICE_MS);
      else if (-n !== EINTR) return taken === 0 && UNSUPPORTED.has(-n) ? result("unsupported") : result("socket-error", -n);
      continue;
    }
    // The pipe holds n bytes: move all of them out before taking more.
    for (let out = 0; out < n; ) {
      const at = job.offset + taken + out;
      if (mode === "splice") {
        const k = spliceToFile(pipeOut, job.fd, at, n - out);
        if (k > 0) {
          out += k;
          zeroCopy += k;
        } else if (k < 0 && UNSUPPORTED.has(-k)) mode = "pwrite";
        else if (k < 0 && -k === EINTR) continue;
        else [mode, fileErrno] = ["drop", k < 0 ? -k : 5];
      } else {
        const r = drainPipe(pipeOut, job.fd, at, n - out, mode === "pwrite");
        out += r.moved;
        if (r.errno !== 0) [mode, fileErrno] = ["drop", r.errno];
      }
    }
    taken += n;
  }
  return fileErrno === 0 ? result("done") : result("file-error", fileErrno);
}

/** Reads up to `count` bytes from the pipe and writes them at `pos` (or drops them); stops at a write error. */
function drainPipe(pipeOut: number, fd: number, pos: number, count: number, write: boolean): { moved: number; errno: number } {
  copyBuffer ??= new Uint8Array(COPY_BUFFER_BYTES);
  const got = fs.readSync(pipeOut, copyBuffer, 0, Math.min(count, copyBuffer.length), null);
  if (!write) return { moved: got, errno: 0 };
  try {
    for (let off = 0; off < got; ) off += fs.writeSync(fd, copyBuffer, off, got - off, pos + off);
    return { moved: got, errno: 0 };
  } catch (e) {
    return { moved: got, errno: Math.abs((e as { errno?: number }).errno ?? 5) };
  }
}

/** Forgets a pipe that may still hold bytes of a cut job (a fresh one is made next time). */
function dropPipe(): void {
  if (pipe === null) return;
  closeFd(pipe[0]);
  closeFd(pipe[1]);
  pipe = null;
}
