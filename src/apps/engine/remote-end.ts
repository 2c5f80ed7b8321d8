import type { RemoteEndpoint } from "../../domain/endpoint.ts";
import { BlitError } from "../../domain/errors.ts";
import type { SessionConnector } from "../../ports/session.ts";
import { openDataPlane } from "./data-dial.ts";
import { PeerStore } from "./peer-store.ts";
import { throttledChannel, type RunThrottle } from "./throttle.ts";

/** How the CLI reaches a daemon for one side of a transfer. */
export interface RemoteEndOptions {
  readonly role: "push" | "pull";
  /** Pull of a move: the daemon will be asked to remove source entries. */
  readonly move: boolean;
  readonly forceGrpcData: boolean;
  /** Data streams to ask for (the predictor's choice); absent: the daemon decides. */
  readonly maxStreams?: number;
  /** --bwlimit: every data connection of the session is paced by it. */
  readonly throttle?: RunThrottle | null;
  readonly signal: AbortSignal;
}

/**
 * Opens a session on the daemon of `end`, rooted at its module's root, and its data plane (TCP,
 * or gRPC data when forced or when the data port cannot be reached). The returned store sees the
 * module root; take views of subdirectories with `at`.
 */
export async function openRemoteEnd(end: RemoteEndpoint, connector: SessionConnector, options: RemoteEndOptions): Promise<PeerStore> {
  const address = { host: end.host, port: end.port };
  const header = { role: options.role, root: { module: end.module, path: "" }, move: options.move, forceGrpcData: options.forceGrpcData, maxStreams: options.maxStreams ?? 0, rdma: (connector.rdma ?? null) !== null };
  const session = await connector.open(address, header, options.signal);
  const data = openDataPlane(session.negotiation, end.host, end.port, session.data ?? connector, options.forceGrpcData, options.signal).then(
    (d) => {
      session.send({ t: "choice", grpc: d.transport === "grpc", reason: d.fallbackReason ?? "" });
      const throttle = options.throttle;
      return throttle === null || throttle === undefined ? d : { ...d, channels: d.channels.map((c) => throttledChannel(c, throttle)) };
    },
    (e: unknown) => {
      throw e instanceof BlitError ? e : new BlitError("UNREACHABLE", String(e));
    },
  );
  data.catch(() => {});
  return new PeerStore(label(end, ""), session, data);
}

/** `host:/module/path` as messages show a remote place. */
export function label(end: RemoteEndpoint, path: string): string {
  const host = end.host.includes(":") ? `[${end.host}]` : end.host;
  return `${host}:${end.port}:/${end.module ?? ""}${end.module === null ? "" : "/"}${path}`;
}
