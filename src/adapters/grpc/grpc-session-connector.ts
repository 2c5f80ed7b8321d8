import { Client, connectivityState, Metadata } from "@grpc/grpc-js";
import { BlitError } from "../../domain/errors.ts";
import type { Unchecked } from "../../domain/peer-path.ts";
import { SILENT_PEER_DETECTED_MS } from "../../domain/stall-window.ts";
import { KEEPALIVE_OPTIONS } from "./keepalive.ts";
import { callMessages } from "./call-messages.ts";
import type { DelegatedPull, DelegationClient, DelegationEvent } from "../../ports/delegation.ts";
import type { ServerMessage, SessionClient, SessionConnector, SessionHeader } from "../../ports/session.ts";
import { fromWireDelegationEvent, toWireDelegatedPull } from "./delegation-mapping.ts";
import type { DataTransports } from "../../ports/data-transports.ts";
import type { ClientTls } from "../../ports/tls.ts";
import { channelCredentials } from "./tls-credentials.ts";
import { GrpcDataTransport } from "./grpc-data-transport.ts";
import { FLOW_CONTROL_WINDOW_BYTES } from "./http2-windows.ts";
import { fromServiceError } from "./status.ts";
import { fromWireNegotiation, fromWireServer, toWireClient, toWireHeader } from "./session-mapping.ts";
import { BLIT_SERVICE, PROTOCOL_HEADER, PROTOCOL_VERSION, TOKEN_HEADER, type WireMessage } from "./wire-schema.ts";

/**
 * Opens transfer sessions (Push/Pull calls) on daemons and asks them for delegated pulls. The
 * data-plane transports are those `transportsFor` gives (the composition root's registry: TCP,
 * RDMA when this machine has an active RDMA port, …) plus this adapter's gRPC fallback ("grpc",
 * through the control port). `trust` says how each daemon is reached (its trusted certificate, or
 * null for plaintext); every session gets data transports that accept only that certificate.
 */
export class GrpcSessionConnector implements SessionConnector, DelegationClient, AsyncDisposable {
  /** The plaintext data transports. */
  readonly transports: DataTransports;
  private readonly grpc: GrpcDataTransport = new GrpcDataTransport();
  private readonly clients: Client[] = [];

  private readonly perDaemon = new Map<string, { transports: DataTransports; grpc: GrpcDataTransport }>();

  /**
   * `transportsFor(tls)`: the data transports reaching a daemon as `tls` says (null: plaintext).
   * `tokenFor` gives the token presented to each daemon (`blit-token` metadata), or null for none.
   */
  constructor(
    private readonly transportsFor: (tls: ClientTls | null) => DataTransports = () => new Map(),
    private readonly trust: (address: { host: string; port: number }) => Promise<ClientTls | null> = async () => null,
    private readonly tokenFor: (host: string, port: number) => string | null = () => null,
  ) {
    this.transports = withFallback(transportsFor(null), this.grpc);
  }

  async open(address: { host: string; port: number }, header: SessionHeader, signal: AbortSignal): Promise<SessionClient> {
    const tls = await this.trust(address);
    const { client, target } = this.client(address, tls);
    const data = this.dataTransports(target, tls);
    const method = header.role === "push" ? "Push" : "Pull";
    const reached = await connected(client, target, signal);
    const def = BLIT_SERVICE[method]!;
    const call = client.makeBidiStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, handshake(this.tokenFor(address.host, address.port)), {});
    const onAbort = () => call.cancel();
    signal.addEventListener("abort", onAbort, { once: true });
    const messages = callMessages(call);
    const fail = (e: unknown) => (signal.aborted ? new BlitError("CANCELLED", `${method} to ${target} was cancelled`) : fromServiceError(e, target, method, tls));
    call.write(toWireHeader(header));
    let first: IteratorResult<WireMessage>;
    try {
      first = await messages.next();
    } catch (e) {
      client.close();
      // The daemon was reachable a moment ago: a connection lost now (a keepalive unanswered) is an
      // interrupted start, retryable like any lost session.
      const err = fail(e);
      throw reached && err.code === "UNREACHABLE" ? new BlitError("PEER_CLOSED", `the session with ${target} was lost while starting: ${err.message}`, { ...err.details, phase: "session start" }, { cause: e }) : err;
    }
    if (first.done === true || !first.value.negotiation) {
      client.close();
      throw new BlitError("PROTOCOL_MISMATCH", `${target} did not answer the session header with a negotiation`);
    }
    const incoming = (async function* (): AsyncIterable<ServerMessage<Unchecked>> {
      try {
        for (;;) {
          const next = await messages.next();
          if (next.done === true) return;
          const m = fromWireServer(next.value);
          if (m !== null) yield m;
        }
      } catch (e) {
        // Once the session is up, a dropped connection is an interrupted transfer (retryable), not an unreachable daemon.
        const err = fail(e);
        throw err.code === "UNREACHABLE" ? new BlitError("PEER_CLOSED", `the session with ${target} was lost: ${err.message}`, err.details, { cause: e }) : err;
      }
    })();
    return {
      negotiation: fromWireNegotiation(first.value.negotiation),
      data,
      send: (m) => void call.write(toWireClient(m)),
      incoming,
      [Symbol.asyncDispose]: async () => {
        signal.removeEventListener("abort", onAbort);
        call.end();
      },
    };
  }

  async *delegatedPull(address: { host: string; port: number }, request: DelegatedPull, signal: AbortSignal): AsyncIterable<DelegationEvent> {
    const tls = await this.trust(address);
    const { client, target } = this.client(address, tls);
    await connected(client, target, signal);
    const def = BLIT_SERVICE.DelegatedPull!;
    const call = client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, toWireDelegatedPull(request), handshake(this.tokenFor(address.host, address.port)), {});
    const onAbort = () => call.cancel();
    signal.addEventListener("abort", onAbort, { once: true });
    const messages = callMessages(call);
    try {
      for (;;) {
        const next = await messages.next();
        if (next.done === true) return;
        const event = fromWireDelegationEvent(next.value);
        if (event !== null) yield event;
      }
    } catch (e) {
      throw signal.aborted ? new BlitError("CANCELLED", `DelegatedPull to ${target} was cancelled`) : fromServiceError(e, target, "DelegatedPull", tls);
    } finally {
      signal.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.grpc.close();
    for (const d of this.perDaemon.values()) d.grpc.close();
    this.perDaemon.clear();
    for (const c of this.clients.splice(0)) c.close();
  }

  // --- internal ---

  /** The data transports for one daemon (as `transportsFor` gives them for its `tls`). */
  private dataTransports(target: string, tls: ClientTls | null): DataTransports {
    const key = `${target} ${tls?.fingerprint ?? "plaintext"}`;
    let d = this.perDaemon.get(key);
    if (d === undefined) {
      const grpc = new GrpcDataTransport(tls);
      d = { transports: withFallback(this.transportsFor(tls), grpc), grpc };
      this.perDaemon.set(key, d);
    }
    return d.transports;
  }

  private client(address: { host: string; port: number }, tls: ClientTls | null): { client: Client; target: string } {
    const target = address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    const client = new Client(target, channelCredentials(tls), {
      "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW_BYTES,
      "grpc.max_receive_message_length": 64 << 20,
      "grpc.max_send_message_length": 64 << 20,
      "grpc.enable_retries": 0,
      ...KEEPALIVE_OPTIONS,
    });
    this.clients.push(client);
    return { client, target };
  }
}

/** `transports` and the gRPC fallback's Data calls on the control port, as "grpc". */
function withFallback(transports: DataTransports, grpc: GrpcDataTransport): DataTransports {
  return new Map([...transports, ["grpc", { transport: grpc, door: "control-port" }]]);
}

/**
 * Waits until `client` has its HTTP/2 connection up, for at most SILENT_PEER_DETECTED_MS: a daemon
 * that accepts the TCP connection but never speaks (frozen, or a link gone) is TIMEOUT naming it.
 * A connection that failed (refused, no route) returns at once: the call then fails with gRPC's own
 * reason. From READY on, keepalive pings watch the connection. True when the connection is up.
 */
async function connected(client: Client, target: string, signal: AbortSignal): Promise<boolean> {
  const channel = client.getChannel();
  const deadline = Date.now() + SILENT_PEER_DETECTED_MS;
  let state = channel.getConnectivityState(true);
  for (let i = 0; i < 16 && state !== connectivityState.READY; i++) {
    if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) return false;
    signal.throwIfAborted();
    const from = state;
    const timedOut = await new Promise<boolean>((resolve) => channel.watchConnectivityState(from, deadline, (e) => resolve(e !== undefined)));
    if (signal.aborted) throw new BlitError("CANCELLED", `the session with ${target} was cancelled`);
    if (timedOut) {
      const secs = SILENT_PEER_DETECTED_MS / 1000;
      throw new BlitError("TIMEOUT", `${target} did not answer for ${secs} s while the session was starting (the daemon is frozen or the link is down)`, { daemon: target, phase: "session start" });
    }
    state = channel.getConnectivityState(false);
  }
  return state === connectivityState.READY;
}

/** The metadata every call starts with: the protocol handshake, and the token when there is one. */
function handshake(token: string | null): Metadata {
  const metadata = new Metadata();
  metadata.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
  if (token !== null) metadata.set(TOKEN_HEADER, token);
  return metadata;
}
