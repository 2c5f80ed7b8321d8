/**
 * The out-of-band exchange an RDMA connection needs before its first byte: each side learns the
 * other's RdmaParams (encoded, rdma-params.ts), and the link stays open while the connection
 * lives, so a peer that vanishes is noticed even when no work request is outstanding.
 * socket-band.ts carries it on a TCP connection (as rdma-core's rc_pingpong does); a control
 * plane that already talks to the peer can carry the same messages instead.
 */
export interface BandLink extends AsyncDisposable {
  /** Who the peer is, for messages. */
  readonly peer: string;
  send(message: Uint8Array): Promise<void>;
  /** The next message; PEER_CLOSED when the link ended first. */
  receive(signal?: AbortSignal): Promise<Uint8Array>;
  /** Settles once the link is gone (the peer closed it or vanished). */
  readonly closed: Promise<void>;
}

export interface BandListener extends AsyncDisposable {
  readonly address: { readonly host: string; readonly port: number };
  accept(signal?: AbortSignal): Promise<BandLink>;
}

export interface RdmaBand {
  listen(address: { host: string; port: number }): Promise<BandListener>;
  connect(address: { host: string; port: number }, signal?: AbortSignal): Promise<BandLink>;
}
