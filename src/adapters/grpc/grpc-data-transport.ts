import { Client, Metadata, Server, ServerCredentials, type ServerDuplexStream } from "@grpc/grpc-js";
import { BlitError } from "../../domain/errors.ts";
import type { Channel, Listener, Transport } from "../../ports/transport.ts";
import { AcceptQueue } from "../../domain/wire/accept-queue.ts";
import { GrpcDataChannel } from "./grpc-data-channel.ts";
import { KEEPALIVE_OPTIONS } from "./keepalive.ts";
import type { ClientTls } from "../../ports/tls.ts";
import { FLOW_CONTROL_WINDOW_BYTES } from "./http2-windows.ts";
import { channelCredentials } from "./tls-credentials.ts";
import { BLIT_SERVICE, PROTOCOL_HEADER, PROTOCOL_VERSION, type WireMessage } from "./wire-schema.ts";

/**
 * The gRPC fallback data plane: each data connection is one `Data` call to the daemon's control
 * port, carrying the same records as a TCP connection. `dial` opens such a call; the daemon's
 * control server hands incoming calls to a {@link GrpcDataListener}. With `tls` the calls ride a
 * TLS connection accepting only that certificate.
 */
export class GrpcDataTransport implements Transport {
  readonly name = "grpc";
  readonly capabilities = { zeroCopy: false };
  private readonly clients = new Map<string, Client>();

  constructor(private readonly tls: ClientTls | null = null) {}

  /** A standalone server serving only `Data` (the daemon serves it on its control server). */
  async listen(address: { host: string; port: number }): Promise<Listener> {
    const listener = new GrpcDataListener(address);
    const server = new Server();
    const handler = (call: ServerDuplexStream<WireMessage, WireMessage>) => listener.offer(call);
    server.addService({ Data: BLIT_SERVICE.Data! }, { Data: handler });
    const bind = address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(bind, ServerCredentials.createInsecure(), (e, p) => (e === null ? resolve(p) : reject(new BlitError("UNREACHABLE", e.message)))),
    );
    listener.bound(port, () => server.forceShutdown());
    return listener;
  }

  async dial(address: { host: string; port: number }, signal?: AbortSignal): Promise<Channel> {
    signal?.throwIfAborted();
    const target = address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    let client = this.clients.get(target);
    if (client === undefined) {
      client = new Client(target, channelCredentials(this.tls), { "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW_BYTES, "grpc.max_receive_message_length": 16 << 20, ...KEEPALIVE_OPTIONS });
      this.clients.set(target, client);
    }
    const def = BLIT_SERVICE.Data!;
    const metadata = new Metadata();
    metadata.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    const call = client.makeBidiStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, metadata, {});
    return new GrpcDataChannel(call, this.tls !== null);
  }

  /** Closes the connections dialled so far. */
  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** Incoming `Data` calls as a Listener. */
export class GrpcDataListener implements Listener {
  private readonly queue = new AcceptQueue<Channel>();
  private stopServer: () => void = () => {};

  constructor(public address: { host: string; port: number }) {}

  bound(port: number, stop: () => void): void {
    this.address = { host: this.address.host, port };
    this.stopServer = stop;
  }

  offer(call: ServerDuplexStream<WireMessage, WireMessage>): void {
    const channel = new GrpcDataChannel(call);
    if (!this.queue.offer(channel)) void channel[Symbol.asyncDispose]();
  }

  accept(signal?: AbortSignal): Promise<Channel> {
    return this.queue.accept(signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.stopServer();
    for (const c of this.queue.close()) await c[Symbol.asyncDispose]();
  }
}
