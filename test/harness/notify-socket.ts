/**
 * The receiving end of sd_notify, as systemd holds it: an AF_UNIX datagram socket (bun:ffi, since
 * Bun has no unix datagram sockets), for testing a daemon's readiness notifications.
 * - `openNotifySocket(address)`: binds `address` (a path, or `@name` for the abstract namespace);
 *   pass the same string as NOTIFY_SOCKET. `next(timeoutMs)` resolves with the next datagram's text
 *   (polling the non-blocking socket, bounded). Disposing closes it and removes the path.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";
import { rmSync } from "node:fs";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const POLL_MS = 20;

const libc = dlopen("libc.so.6", {
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  bind: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  recv: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i64 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
});

export interface NotifySocket extends Disposable {
  readonly address: string;
  next(timeoutMs: number): Promise<string>;
}

export function openNotifySocket(address: string): NotifySocket {
  const abstract = address.startsWith("@");
  const name = Buffer.from(abstract ? `\0${address.slice(1)}` : address);
  const addr = Buffer.alloc(110);
  addr.writeUInt16LE(AF_UNIX, 0);
  name.copy(addr, 2);
  const fd = libc.symbols.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error("socket(AF_UNIX, SOCK_DGRAM) failed");
  if (libc.symbols.bind(fd, ptr(addr), 2 + name.length + (abstract ? 0 : 1)) !== 0) {
    libc.symbols.close(fd);
    throw new Error(`bind ${address} failed`);
  }
  const buffer = Buffer.alloc(4096);
  return {
    address,
    async next(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const n = Number(libc.symbols.recv(fd, ptr(buffer), buffer.length, 0));
        if (n >= 0) return buffer.subarray(0, n).toString();
        if (Date.now() > deadline) throw new Error(`no datagram on ${address} within ${timeoutMs} ms`);
        await Bun.sleep(POLL_MS);
      }
    },
    [Symbol.dispose]() {
      libc.symbols.close(fd);
      if (!abstract) rmSync(address, { force: true });
    },
  };
}
