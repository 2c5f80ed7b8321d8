/**
 * A hand-written gRPC client for hostile-peer tests: speaks HTTP/2 from a chosen local address
 * (another loopback address than the CLI's 127.0.0.1, so per-address limits can be seen) and
 * sends what blit's own client never would (a header then silence, data nobody asked for).
 * - `connectFrom(localAddress, port, tls)`: an HTTP/2 session to the daemon at 127.0.0.1:port, over
 *   TLS (any certificate accepted: these tests attack the daemon, they do not trust it) unless
 *   `tls` is false.
 * - `openPushSession(session)`: a Push call on module `m` with its header sent, and what the daemon
 *   negotiated (data port, token, streams).
 * - `rawCall(session, method)`: a call with the protocol handshake; `send(message)` writes one
 *   message, `next()` reads the next reply message (null once the call ended), `ended` resolves
 *   with the grpc-status and message when the daemon ends or resets the call.
 * - `silentSockets(localAddress, port, n)`: n TCP connections that never send a byte; `closed()`
 *   counts those the daemon closed.
 */
import http2 from "node:http2";
import { connect, type Socket } from "node:net";
import tls from "node:tls";
import { fromWireNegotiation, toWireHeader } from "../../src/adapters/grpc/session-mapping.ts";
import { BLIT_SERVICE, methodPath, PROTOCOL_HEADER, PROTOCOL_VERSION, type MethodName, type WireMessage } from "../../src/adapters/grpc/wire-schema.ts";

export function connectFrom(localAddress: string, port: number, secure = true): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const createConnection = () => {
      const socket = connect({ port, host: "127.0.0.1", localAddress });
      return secure ? tls.connect({ socket, ALPNProtocols: ["h2"], rejectUnauthorized: false }) : socket;
    };
    const s = http2.connect(`${secure ? "https" : "http"}://127.0.0.1:${port}`, { createConnection });
    s.once("remoteSettings", () => resolve(s));
    s.once("error", reject);
    s.once("close", () => reject(new Error("the daemon closed the connection before its settings")));
  });
}

export interface RawCall {
  send(message: WireMessage): void;
  /** Half-closes the call (a unary call's request is complete). */
  end(): void;
  next(): Promise<WireMessage | null>;
  readonly ended: Promise<{ status: number; message: string }>;
  cancel(): void;
}

export function rawCall(session: http2.ClientHttp2Session, method: MethodName): RawCall {
  const def = BLIT_SERVICE[method]!;
  const stream = session.request({
    ":method": "POST",
    ":path": methodPath(method),
    "content-type": "application/grpc",
    te: "trailers",
    [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
  });
  const replies: WireMessage[] = [];
  let waiting: (() => void) | null = null;
  let done = false;
  let buffered = Buffer.alloc(0);
  const wake = () => {
    const w = waiting;
    waiting = null;
    w?.();
  };
  let status = { status: -1, message: "" };
  const { promise: ended, resolve: end } = Promise.withResolvers<{ status: number; message: string }>();
  // The call ended for the daemon once it sent its status (this side may still be open).
  const onHeaders = (h: http2.IncomingHttpHeaders) => {
    if (h["grpc-status"] === undefined) return;
    status = { status: Number(h["grpc-status"]), message: decodeURIComponent(String(h["grpc-message"] ?? "")) };
    end(status);
  };
  stream.on("response", onHeaders);
  stream.on("trailers", onHeaders);
  stream.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt32BE(1)) {
      const n = buffered.readUInt32BE(1);
      replies.push(def.responseDeserialize(buffered.subarray(5, 5 + n)) as WireMessage);
      buffered = buffered.subarray(5 + n);
    }
    wake();
  });
  stream.on("error", () => {});
  stream.on("close", () => {
    done = true;
    wake();
    end(status);
  });
  return {
    send: (message) => {
      const body = def.requestSerialize(message) as Buffer;
      const head = Buffer.alloc(5);
      head.writeUInt32BE(body.length, 1);
      stream.write(Buffer.concat([head, body]));
    },
    next: async () => {
      for (let i = 0; i < 1_000_000; i++) {
        if (replies.length > 0) return replies.shift()!;
        if (done) return null;
        await new Promise<void>((resolve) => (waiting = resolve));
      }
      return null;
    },
    end: () => stream.end(),
    ended,
    cancel: () => stream.close(http2.constants.NGHTTP2_CANCEL),
  };
}

export interface SilentSockets {
  readonly sockets: Socket[];
  closed(): number;
  destroy(): void;
}

export async function silentSockets(localAddress: string, port: number, n: number): Promise<SilentSockets> {
  let closed = 0;
  const open = () =>
    new Promise<Socket>((resolve) => {
      const s = connect({ port, host: "127.0.0.1", localAddress }, () => resolve(s));
      s.on("error", () => {});
      // Read (and drop) what the daemon sends, so its closing is seen.
      s.resume();
      s.on("close", () => {
        closed++;
        resolve(s);
      });
    });
  const sockets: Socket[] = [];
  // In rounds, so the daemon's accept queue keeps up.
  for (let i = 0; i < n; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, open))));
  return { sockets, closed: () => closed, destroy: () => sockets.forEach((s) => s.destroy()) };
}

/** A Push session of module `m` opened by hand: its call and what the daemon negotiated. */
export async function openPushSession(session: http2.ClientHttp2Session) {
  const call = rawCall(session, "Push");
  call.send(toWireHeader({ role: "push", root: { module: "m", path: "" }, move: false, forceGrpcData: false }));
  const first = await call.next();
  if (first?.negotiation === undefined) throw new Error(`no negotiation: ${JSON.stringify(first)}`);
  return { call, ...fromWireNegotiation(first.negotiation) };
}
