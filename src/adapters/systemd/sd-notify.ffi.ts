/**
 * sd_notify(3) without libsystemd: one datagram on the AF_UNIX socket systemd names in
 * NOTIFY_SOCKET (a path, or `@name` in the abstract namespace), through libc's socket/sendto
 * (bun:ffi: Bun has no unix datagram sockets). Non-blocking: systemd's socket never makes it wait.
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
/** sizeof(struct sockaddr_un) on Linux: sa_family_t (2 bytes) + sun_path[108]. */
const SOCKADDR_UN_SIZE = 110;
const PATH_OFFSET = 2;

type Libc = ReturnType<typeof open>;
let libc: Libc | null | undefined;

function open() {
  return dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  });
}

/**
 * Sends `state` (e.g. "READY=1\nSTATUS=…") to the socket `address`. Returns null when sent, else
 * why not (for one warning).
 */
export function sendNotify(address: string, state: string): string | null {
  if (libc === undefined) {
    try {
      libc = process.platform === "linux" ? open() : null;
    } catch {
      libc = null;
    }
  }
  if (libc === null) return "libc cannot be loaded here";
  const name = Buffer.from(address.startsWith("@") ? `\0${address.slice(1)}` : address);
  const abstract = address.startsWith("@");
  if (name.length === 0 || name.length + (abstract ? 0 : 1) > SOCKADDR_UN_SIZE - PATH_OFFSET) return `NOTIFY_SOCKET '${address}' is not a usable socket address`;
  if (!abstract && !address.startsWith("/")) return `NOTIFY_SOCKET '${address}' is neither an absolute path nor @abstract`;
  const addr = Buffer.alloc(SOCKADDR_UN_SIZE);
  addr.writeUInt16LE(AF_UNIX, 0);
  name.copy(addr, PATH_OFFSET);
  // A path is NUL-terminated (counted); an abstract name is exactly its bytes.
  const addrLen = PATH_OFFSET + name.length + (abstract ? 0 : 1);
  const message = Buffer.from(state);
  const l = libc.symbols;
  const fd = l.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return `socket(AF_UNIX, SOCK_DGRAM) failed: errno ${errno(libc)}`;
  try {
    const sent = Number(l.sendto(fd, ptr(message), message.length, MSG_NOSIGNAL, ptr(addr), addrLen));
    return sent === message.length ? null : `sendto ${address} failed: errno ${errno(libc)}`;
  } finally {
    l.close(fd);
  }
}

function errno(lib: Libc): number {
  const at = lib.symbols.__errno_location();
  return at === null ? 0 : read.i32(at, 0);
}
