/**
 * The only bun:ffi binding of the TCP adapter: the libc calls that move file bytes between a
 * socket and a file without copying them through JavaScript (sendfile; splice through a pipe),
 * wait for a non-blocking socket (poll), and give a worker thread its own descriptor of the socket
 * (dup, close, SO_LINGER). Loaded lazily on first use; where libc cannot be opened (not Linux),
 * `hasNetLibc()` is false and the channel moves file bytes through its buffered path. Blocking
 * calls (sendfile, splice, poll) run only in file-io-worker.ts, never on the main thread.
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";

export const EAGAIN = 11;
export const EINTR = 4;
const POLLIN = 0x001;
const POLLOUT = 0x004;
const SPLICE_F_MOVE = 1;
const SPLICE_F_NONBLOCK = 2;
const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
const MSG_NOSIGNAL = 0x4000;
const SOL_SOCKET = 1;
const SO_LINGER = 13;

type Libc = ReturnType<typeof open>;
let libc: Libc | null | undefined;

function open() {
  return dlopen("libc.so.6", {
    sendfile: { args: [FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
    send: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i64 },
    poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
    splice: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.u32], returns: FFIType.i64 },
    pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    dup: { args: [FFIType.i32], returns: FFIType.i32 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
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

/**
 * splice(sock → pipe): up to `count` bytes the socket has now (0 when the peer ended, -EAGAIN when
 * it has none yet).
 */
export function spliceFromSocket(sock: number, pipeIn: number, count: number): number {
  const l = lib();
  if (l === null) return -38;
  const n = Number(l.symbols.splice(sock, null, pipeIn, null, count, SPLICE_F_MOVE | SPLICE_F_NONBLOCK));
  return n >= 0 ? n : -errno(l);
}

/** splice(pipe → fd at `pos`): bytes moved from the pipe into the file, or a negative errno. */
export function spliceToFile(pipeOut: number, fd: number, pos: number, count: number): number {
  const l = lib();
  if (l === null) return -38;
  offset[0] = BigInt(pos);
  const n = Number(l.symbols.splice(pipeOut, null, fd, ptr(offset), count, SPLICE_F_MOVE));
  return n >= 0 ? n : -errno(l);
}

const pipeFds = new Int32Array(2);

/** A pipe [read end, write end] asked to hold `bytes` (the kernel may keep its default); null on failure. */
export function makePipe(bytes: number): [number, number] | null {
  const l = lib();
  if (l === null || l.symbols.pipe2(ptr(pipeFds), O_CLOEXEC) !== 0) return null;
  l.symbols.fcntl(pipeFds[1]!, F_SETPIPE_SZ, bytes);
  return [pipeFds[0]!, pipeFds[1]!];
}

const pollFd = new Int32Array(2);

/** Waits up to `timeoutMs` for `sock` to take more bytes (or to fail); blocking. */
export function waitWritable(sock: number, timeoutMs: number): void {
  waitFor(sock, POLLOUT, timeoutMs);
}

/** Waits up to `timeoutMs` for `sock` to have bytes (or to end or fail); blocking. */
export function waitReadable(sock: number, timeoutMs: number): void {
  waitFor(sock, POLLIN, timeoutMs);
}

function waitFor(sock: number, events: number, timeoutMs: number): void {
  const l = lib();
  if (l === null) return;
  pollFd[0] = sock;
  pollFd[1] = events;
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

const lingerNow = new Int32Array([1, 0]);

/** SO_LINGER {on, 0 s}: when its last descriptor closes, the socket is reset (the peer sees it broken, not ended). */
export function resetOnClose(fd: number): void {
  lib()?.symbols.setsockopt(fd, SOL_SOCKET, SO_LINGER, ptr(lingerNow), 8);
}
