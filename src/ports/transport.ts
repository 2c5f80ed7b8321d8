/** An open byte channel between two blit processes. */
export interface Channel extends AsyncDisposable {
  /** Sends bytes; resolves when the transport accepted them (backpressure). */
  send(bytes: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Incoming bytes until the peer half-closes; errors with PEER_CLOSED on a reset. */
  readonly incoming: AsyncIterable<Uint8Array>;
  /** Half-closes the sending side. */
  end(): Promise<void>;
}

/** A bound listening endpoint; reports the address it really bound (port 0 allowed). */
export interface Listener extends AsyncDisposable {
  readonly address: { readonly host: string; readonly port: number };
  accept(signal?: AbortSignal): Promise<Channel>;
}

export interface TransportCapabilities {
  readonly zeroCopy: boolean;
}

/**
 * Moves session frames and bulk bytes between a client and a daemon (TCP data plane, gRPC
 * fallback, RDMA). Errors: UNREACHABLE, TRANSPORT_UNAVAILABLE, PEER_CLOSED, TIMEOUT, CANCELLED.
 */
export interface Transport {
  readonly name: "tcp" | "grpc" | "rdma" | "memory";
  readonly capabilities: TransportCapabilities;
  listen(address: { host: string; port: number }, signal?: AbortSignal): Promise<Listener>;
  dial(address: { host: string; port: number }, signal?: AbortSignal): Promise<Channel>;
}
