/**
 * Worker entry: sends a range of an open file to a non-blocking socket, one message per job
 * (file-send-thread.ts posts them). sendfile(2) first; when the kernel refuses these descriptors
 * (EINVAL, ENOSYS, EOPNOTSUPP) the rest of the range is read with pread and sent with send(2).
 * A full socket is waited for with poll in short slices so that a stop request (the `stop` flag)
 * is seen within POLL_SLICE_MS.
 */
import * as fs from "node:fs";
import { EAGAIN, EINTR, hasNetLibc, sendBytes, sendFileChunk, waitWritable } from "./net.ffi.ts";
import type { FileSendJob, FileSendResult } from "./file-send-job.ts";

declare const self: Worker;

const POLL_SLICE_MS = 100;
/** Bytes asked of one sendfile call (a DATA record is at most 8 MiB anyway). */
const CHUNK_BYTES = 8 << 20;
const COPY_BUFFER_BYTES = 1 << 20;
/** errno values meaning "sendfile cannot be used with these descriptors". */
const NO_SENDFILE = new Set([22, 38, 95]);
/** errno values that belong to the socket (the peer or the connection), not the file. */
const SOCKET_ERRNO = new Set([32, 104, 107, 110, 113, 101, 9, 88]);

let copyBuffer: Uint8Array | null = null;

self.onmessage = (event: MessageEvent<FileSendJob>) => {
  self.postMessage(run(event.data));
};
self.postMessage({ ready: true });

function run(job: FileSendJob): FileSendResult {
  let pos = job.offset;
  const end = job.offset + job.length;
  let zeroCopy = 0;
  let useSendfile = hasNetLibc();
  const result = (outcome: FileSendResult["outcome"], errno = 0): FileSendResult => ({ id: job.id, sent: pos - job.offset, zeroCopy, outcome, errno });
  while (pos < end) {
    if (Atomics.load(job.stop, 0) !== 0) return result("cancelled");
    if (!useSendfile) {
      const r = copyChunk(job, pos, end);
      if (r.outcome !== undefined) return { ...result(r.outcome, r.errno), sent: pos + r.sent - job.offset };
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
    } else if (-n === EINTR) {
      continue;
    } else if (NO_SENDFILE.has(-n)) {
      useSendfile = false;
    } else {
      return result(SOCKET_ERRNO.has(-n) ? "socket-error" : "file-error", -n);
    }
  }
  return result("done");
}

/** One pread + send of up to COPY_BUFFER_BYTES; `outcome` set when the job must stop. */
function copyChunk(job: FileSendJob, pos: number, end: number): { sent: number; outcome?: FileSendResult["outcome"]; errno?: number } {
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
