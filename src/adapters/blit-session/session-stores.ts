import type { RemoteEndpoint } from "../../domain/endpoint.ts";
import { BlitError } from "../../domain/errors.ts";
import { remoteLabel } from "../../domain/remote-label.ts";
import type { RemoteStore, RemoteStoreOptions, RemoteStores } from "../../ports/remote-store.ts";
import type { SessionConnector } from "../../ports/session.ts";
import { openDataPlane } from "./data-dial.ts";
import { PeerStore } from "./peer-store.ts";

/** Daemons' modules as Stores: each `open` is one session through `connector` (see openRemoteEnd). */
export class SessionStores implements RemoteStores {
  constructor(private readonly connector: SessionConnector) {}

  open(end: RemoteEndpoint, options: RemoteStoreOptions): Promise<RemoteStore> {
    return openRemoteEnd(end, this.connector, options);
  }
}

/**
 * Opens a session on the daemon of `end`, rooted at its module's root, and its data plane (TCP,
 * or gRPC data when forced or when the data port cannot be reached). The returned store sees the
 * module root; take views of subdirectories with `at`.
 */
export async function openRemoteEnd(end: RemoteEndpoint, connector: SessionConnector, options: RemoteStoreOptions): Promise<PeerStore> {
  const address = { host: end.host, port: end.port };
  const header = { role: options.role, root: { module: end.module, path: "" }, move: options.move, forceGrpcData: options.forceGrpcData, maxStreams: options.maxStreams ?? 0, rdma: [...connector.transports.values()].some((t) => t.door === "rdma-port") };
  const session = await connector.open(address, header, options.signal);
  const data = openDataPlane(session.negotiation, end.host, end.port, session.data ?? connector.transports, options.forceGrpcData, options.signal).then(
    (d) => {
      session.send({ t: "choice", grpc: d.transport === "grpc", reason: d.fallbackReason ?? "" });
      const pace = options.pace;
      return pace === null || pace === undefined ? d : { ...d, channels: d.channels.map((c) => pace(c)) };
    },
    (e: unknown) => {
      throw e instanceof BlitError ? e : new BlitError("UNREACHABLE", String(e));
    },
  );
  data.catch(() => {});
  return new PeerStore(remoteLabel(end, ""), session, data);
}
