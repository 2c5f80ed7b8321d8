import type { Listener, Transport } from "./transport.ts";

/**
 * Where a data-plane transport's door is, as a session's negotiation advertises it
 * (ports/session.ts DataNegotiation, proto/PROTOCOL.md):
 * - "data-port": the daemon's data port (`dataPort`), dialled first;
 * - "control-port": Data calls on the control port (the gRPC fallback: `grpcData`, `dataPort` 0,
 *   --force-grpc-data, or a data port that cannot be reached);
 * - "rdma-port": the daemon's RDMA connection port (`rdmaPort`), tried before the data port.
 */
export type DataDoor = "data-port" | "control-port" | "rdma-port";

/** A data-plane transport and the door it goes through. */
export interface DataTransport {
  readonly transport: Transport;
  readonly door: DataDoor;
}

/**
 * The data-plane transports of a client, by name ("tcp", "grpc", "rdma", …): the composition
 * root fills it, the session dialer takes each door's transport from it.
 */
export type DataTransports = ReadonlyMap<string, DataTransport>;

/** The daemon's data-plane listeners, one per door it opens. */
export type DataListeners = ReadonlyMap<DataDoor, Listener>;
