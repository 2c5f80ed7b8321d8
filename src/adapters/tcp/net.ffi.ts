/**
 * The only bun:ffi binding of the TCP adapter: the libc calls that move file bytes to a socket
 * without copying them through JavaScript (sendfile), wait for a non-blocking socket (poll), and
 * give a sending thread its own descriptor of the socket (dup, shutdown, close). Loaded lazily on
 * first use; where libc cannot be opened (not Linux), `hasNetLibc()` is false and the channel sends
 * file bytes through its buffered path. Blocking calls (sendfile, poll) run only in
 * file-send-worker.ts, never on the main thread.
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";

export const EAGAIN = 11;
export const EINTR = 4;
const POLLOUT = 0x004;
const MSG_NOSIGNAL = 0x4000;
const SHUT_RDWR = 2;

type Libc = ReturnType<typeof open>;
let libc: Libc | null | undefined;

function open() {
  return dlopen("libc.so.6", {
    sendfile: { args: [FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
    send: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i64 },
    poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
    dup: { args: [FFIType.i32], returns: FFIType.i32 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    shutdown: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  });
}

function lib(): Libc | null {
  if (libc === undefined) {
    try {
      libc = process.platform === "linux" ? open() : null;
    } catch {
      libc = null;
    }
  }
  return libc;
}

/** True when sendfile and poll can be called (Linux with glibc). */
export const hasNetLibc = (): boolean => lib() !== null;

function errno(l: Libc): number {
  const p = l.symbols.__errno_location();
  return p === null ? 0 : read.i32(p, 0);
}

const offset = new BigInt64Array(1);

/**
 * sendfile(sock, fd, &pos, count): bytes sent from `fd` at `pos` (0 at the file's end) or a
 * negative errno (-EAGAIN when the socket is full; -EINVAL/-ENOSYS when these descriptors cannot
 * be used); -ENOSYS without libc.
 */
export function sendFileChunk(sock: number, fd: number, pos: number, count: number): number {
  const l = lib();
  if (l === null) return -38;
  offset[0] = BigInt(pos);
  const n = Number(l.symbols.sendfile(sock, fd, ptr(offset), count));
  return n >= 0 ? n : -errno(l);
}

/** send(sock, bytes, MSG_NOSIGNAL): bytes sent or a negative errno. */
export function sendBytes(sock: number, bytes: Uint8Array): number {
  const l = lib();
  if (l === null) return -38;
  const n = Number(l.symbols.send(sock, ptr(bytes), bytes.length, MSG_NOSIGNAL));
  return n >= 0 ? n : -errno(l);
}

const pollFd = new Int32Array(2);

/** Waits up to `timeoutMs` for `sock` to take more bytes (or to fail); blocking. */
export function waitWritable(sock: number, timeoutMs: number): void {
  const l = lib();
  if (l === null) return;
  pollFd[0] = sock;
  pollFd[1] = POLLOUT;
  l.symbols.poll(ptr(pollFd), 1, timeoutMs);
}

/** dup(fd): a second descriptor of the same socket, or a negative errno. */
export function dupFd(fd: number): number {
  const l = lib();
  if (l === null) return -38;
  const n = l.symbols.dup(fd);
  return n >= 0 ? n : -errno(l);
}

export function closeFd(fd: number): void {
  lib()?.symbols.close(fd);
}

/** shutdown(fd, SHUT_RDWR): wakes a thread waiting on the socket and makes its sends fail. */
export function shutdownFd(fd: number): void {
  lib()?.symbols.shutdown(fd, SHUT_RDWR);
}
