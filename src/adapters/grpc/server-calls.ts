/**
 * Wraps handlers as grpc-js call handlers: the protocol handshake on every call, cancellation as
 * an AbortSignal, caps on calls in flight (in total, per client address, per connection),
 * backpressure on streamed replies, and errors sent as status + `blit-code` trailers (status.ts).
 */
import {
  Metadata,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from "@grpc/grpc-js";
import { once } from "node:events";
import { peerAddress } from "../../domain/daemon-limits.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { FairShares } from "../../domain/fair-shares.ts";
import type { Caller } from "../../ports/control.ts";
import { callerOf } from "./call-caller.ts";
import { toServiceError } from "./status.ts";
import { PROTOCOL_HEADER, PROTOCOL_VERSION, type WireMessage } from "./wire-schema.ts";

/** Shared by every call of one server. */
export interface CallContext {
  /** Calls in flight, keyed by `all` (""), the client `address` and the `connection` (its peer). */
  readonly calls: FairShares<"all" | "address" | "connection">;
  readonly onInternalError: (method: string, error: unknown) => void;
  /** Told of every call refused by a limit. */
  readonly onRefused: (message: string) => void;
  /** Connections whose calls are all refused with this error (hosts rules, the connection cap), by peer. */
  readonly refusedPeers: ReadonlyMap<string, BlitError>;
}

type UnaryCall = ServerUnaryCall<WireMessage, WireMessage>;
type StreamCall = ServerWritableStream<WireMessage, WireMessage>;

/** A unary handler. */
export function unary(ctx: CallContext, method: string, handle: (req: WireMessage, signal: AbortSignal, caller: Caller) => Promise<WireMessage>) {
  return (call: UnaryCall, callback: sendUnaryData<WireMessage>): void => {
    void run(ctx, method, call, async (signal, caller) => {
      const reply = await handle(call.request, signal, caller);
      callback(null, reply);
    }).catch((e: unknown) => callback(toServiceError(report(ctx, method, e))));
  };
}

/** A server-streaming handler: each value the iterable yields is one message. */
export function serverStream(ctx: CallContext, method: string, handle: (req: WireMessage, signal: AbortSignal, caller: Caller) => AsyncIterable<WireMessage>) {
  return (call: StreamCall): void => {
    void run(ctx, method, call, async (signal, caller) => {
      for await (const message of handle(call.request, signal, caller)) {
        if (!call.write(message)) await drained(call, signal);
      }
      call.end();
    }).catch((e: unknown) => {
      if (!call.cancelled) call.emit("error", toServiceError(report(ctx, method, e)));
    });
  };
}

/** A bidi handler: `handle` owns the call until it resolves; a rejection ends the call with that error. */
export function bidi(
  ctx: CallContext,
  method: string,
  handle: (call: ServerDuplexStream<WireMessage, WireMessage>, signal: AbortSignal, caller: Caller) => Promise<void>,
) {
  return (call: ServerDuplexStream<WireMessage, WireMessage>): void => {
    void run(ctx, method, call, (signal, caller) => handle(call, signal, caller)).catch((e: unknown) => {
      if (!call.cancelled) call.emit("error", toServiceError(report(ctx, method, e)));
    });
  };
}

/** A bidi handler this daemon does not serve yet: the handshake, then TRANSPORT_UNAVAILABLE. */
export function notServed(ctx: CallContext, method: string, why: string) {
  return (call: ServerDuplexStream<WireMessage, WireMessage> | StreamCall): void => {
    void run(ctx, method, call, async () => {
      throw new BlitError("TRANSPORT_UNAVAILABLE", why, { method });
    }).catch((e: unknown) => {
      if (!call.cancelled) call.emit("error", toServiceError(report(ctx, method, e)));
    });
  };
}

// --- internal ---

interface AnyCall {
  readonly metadata: Metadata;
  readonly cancelled: boolean;
  sendMetadata(metadata: Metadata): void;
  getPeer(): string;
  getAuthContext?(): { readonly sslPeerCertificate?: { readonly raw?: Buffer } };
  on(event: "cancelled", listener: () => void): unknown;
}

async function run(ctx: CallContext, method: string, call: AnyCall, body: (signal: AbortSignal, caller: Caller) => Promise<void>): Promise<void> {
  const peer = call.getPeer();
  // A connection refused by the hosts rules or the connection cap does no work at all.
  const refused = ctx.refusedPeers.get(peer);
  if (refused !== undefined) throw refused;
  checkProtocol(call.metadata);
  const keys = { all: "", address: peerAddress(peer), connection: peer };
  const full = ctx.calls.take(keys);
  if (full !== null) {
    const limit = ctx.calls.limit(full);
    const whose = full === "all" ? "" : full === "address" ? " from your address" : " on this connection";
    ctx.onRefused(`${method} from ${keys.address} refused: ${limit} calls${whose} in flight`);
    throw new BlitError("UNREACHABLE", `the daemon is busy (${limit} calls${whose} in flight): try again shortly`, { method, limit });
  }
  const controller = new AbortController();
  call.on("cancelled", () => controller.abort(new BlitError("CANCELLED", `${method} was cancelled by the client`)));
  const headers = new Metadata();
  headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
  try {
    call.sendMetadata(headers);
    await body(controller.signal, callerOf(call));
  } finally {
    ctx.calls.give(keys);
  }
}

function checkProtocol(metadata: Metadata): void {
  const [sent] = metadata.get(PROTOCOL_HEADER);
  const theirs = typeof sent === "string" ? sent : sent === undefined ? "" : "(binary)";
  if (theirs === String(PROTOCOL_VERSION)) return;
  const said = theirs === "" ? "did not say its protocol version" : `speaks protocol ${theirs.slice(0, 16)}`;
  throw new BlitError(
    "PROTOCOL_MISMATCH",
    `protocol mismatch: the client ${said}, this daemon speaks protocol ${PROTOCOL_VERSION}: use blit and blit-daemon of matching versions`,
    { client: theirs.slice(0, 16), daemon: PROTOCOL_VERSION },
  );
}

/** Waits until the stream can take more, or the call ends. */
async function drained(call: StreamCall, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const aborted = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  await Promise.race([once(call, "drain"), aborted]);
  signal.throwIfAborted();
}

function report(ctx: CallContext, method: string, e: unknown): unknown {
  if (!isBlitError(e) || e.code === "INTERNAL") ctx.onInternalError(method, e);
  return e;
}
