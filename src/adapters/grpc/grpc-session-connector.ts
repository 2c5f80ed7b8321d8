import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { BlitError } from "../../domain/errors.ts";
import type { Unchecked } from "../../domain/peer-path.ts";
import { callMessages } from "./call-messages.ts";
import type { DelegatedPull, DelegationClient, DelegationEvent } from "../../ports/delegation.ts";
import type { ServerMessage, SessionClient, SessionConnector, SessionHeader } from "../../ports/session.ts";
import { fromWireDelegationEvent, toWireDelegatedPull } from "./delegation-mapping.ts";
import type { Transport } from "../../ports/transport.ts";
import { GrpcDataTransport } from "./grpc-data-transport.ts";
import { FLOW_CONTROL_WINDOW_BYTES } from "./http2-windows.ts";
import { fromServiceError } from "./status.ts";
import { fromWireNegotiation, fromWireServer, toWireClient, toWireHeader } from "./session-mapping.ts";
import { BLIT_SERVICE, PROTOCOL_HEADER, PROTOCOL_VERSION, type WireMessage } from "./wire-schema.ts";

/**
 * Opens transfer sessions (Push/Pull calls) on daemons and asks them for delegated pulls. The gRPC
 * fallback data transport shares this connector's connections; `tcp` (and `rdma`, when this
 * machine has an active RDMA port) are the data-plane transports given by the composition root.
 */
export class GrpcSessionConnector implements SessionConnector, DelegationClient, AsyncDisposable {
  readonly grpc: GrpcDataTransport = new GrpcDataTransport();
  private readonly clients: Client[] = [];

  constructor(
    readonly tcp: Transport,
    readonly rdma: Transport | null = null,
  ) {}

  async open(address: { host: string; port: number }, header: SessionHeader, signal: AbortSignal): Promise<SessionClient> {
    const { client, target } = this.client(address);
    const method = header.role === "push" ? "Push" : "Pull";
    const def = BLIT_SERVICE[method]!;
    const call = client.makeBidiStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, handshake(), {});
    const onAbort = () => call.cancel();
    signal.addEventListener("abort", onAbort, { once: true });
    const messages = callMessages(call);
    const fail = (e: unknown) => (signal.aborted ? new BlitError("CANCELLED", `${method} to ${target} was cancelled`) : fromServiceError(e, target, method));
    call.write(toWireHeader(header));
    let first: IteratorResult<WireMessage>;
    try {
      first = await messages.next();
    } catch (e) {
      client.close();
      throw fail(e);
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
      send: (m) => void call.write(toWireClient(m)),
      incoming,
      [Symbol.asyncDispose]: async () => {
        signal.removeEventListener("abort", onAbort);
        call.end();
      },
    };
  }

  async *delegatedPull(address: { host: string; port: number }, request: DelegatedPull, signal: AbortSignal): AsyncIterable<DelegationEvent> {
    const { client, target } = this.client(address);
    const def = BLIT_SERVICE.DelegatedPull!;
    const call = client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, toWireDelegatedPull(request), handshake(), {});
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
      throw signal.aborted ? new BlitError("CANCELLED", `DelegatedPull to ${target} was cancelled`) : fromServiceError(e, target, "DelegatedPull");
    } finally {
      signal.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.grpc.close();
    for (const c of this.clients.splice(0)) c.close();
  }

  // --- internal ---

  private client(address: { host: string; port: number }): { client: Client; target: string } {
    const target = address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    const client = new Client(target, credentials.createInsecure(), {
      "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW_BYTES,
      "grpc.max_receive_message_length": 64 << 20,
      "grpc.max_send_message_length": 64 << 20,
      "grpc.enable_retries": 0,
    });
    this.clients.push(client);
    return { client, target };
  }
}

/** The metadata every call starts with (the protocol handshake). */
function handshake(): Metadata {
  const metadata = new Metadata();
  metadata.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
  return metadata;
}
