import { logVerbosity, Server, type ServerCredentials, setLogVerbosity, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { DAEMON_LIMITS } from "../../domain/daemon-limits.ts";
import { BlitError } from "../../domain/errors.ts";
import { FairShares } from "../../domain/fair-shares.ts";
import { listenError, LISTEN_ERRNOS } from "../../domain/listen-error.ts";
import { KEEPALIVE_INTERVAL_MS, KEEPALIVE_TIMEOUT_MS } from "../../domain/stall-window.ts";
import type { Caller, ControlPlane } from "../../ports/control.ts";
import { withServerSettings } from "./http2-windows.ts";
import * as wire from "./mapping.ts";
import { bidi, notServed, serverStream, unary, type CallContext } from "./server-calls.ts";
import type { GrpcDataListener } from "./grpc-data-transport.ts";
import { sessionHandler } from "./grpc-session-server.ts";
import type { SessionService } from "../../ports/session.ts";
import type { DelegationService } from "../../ports/delegation.ts";
import { fromWireDelegatedPull, toWireDelegationEvent } from "./delegation-mapping.ts";
import { BLIT_SERVICE } from "./wire-schema.ts";
import type { ServerTls } from "../../ports/tls.ts";
import { serverCredentials } from "./tls-credentials.ts";

/** Limits that keep one bad client from hurting the others (SPEC §5). */
export interface ControlLimits {
  /** Largest message accepted or sent. */
  readonly maxMessageBytes: number;
  /** Calls served at once, over all connections; more are refused (UNREACHABLE, retryable). */
  readonly maxConcurrentCalls: number;
  /** Calls served at once from one client address, and on one connection. */
  readonly maxCallsPerAddress: number;
  readonly maxCallsPerConnection: number;
  /** Open connections; more are closed at once. */
  readonly maxSessions: number;
  /** Open connections from one client address; more are closed at once. */
  readonly maxSessionsPerAddress: number;
  /** A connection that opens no call within this time is closed. */
  readonly firstCallTimeoutMs: number;
  /** Streams one connection may have open at once. */
  readonly maxStreamsPerSession: number;
  /** A connection with no call for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Keepalive pings on quiet connections, and how long an answer may take. */
  readonly keepaliveMs: number;
  readonly keepaliveTimeoutMs: number;
}

export const DEFAULT_CONTROL_LIMITS: ControlLimits = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxConcurrentCalls: DAEMON_LIMITS.maxCalls,
  maxCallsPerAddress: DAEMON_LIMITS.maxCallsPerAddress,
  maxCallsPerConnection: DAEMON_LIMITS.maxCallsPerConnection,
  maxSessions: DAEMON_LIMITS.maxConnections,
  maxSessionsPerAddress: DAEMON_LIMITS.maxConnectionsPerAddress,
  firstCallTimeoutMs: DAEMON_LIMITS.firstCallTimeoutMs,
  maxStreamsPerSession: 128,
  idleTimeoutMs: 5 * 60_000,
  keepaliveMs: KEEPALIVE_INTERVAL_MS,
  keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS,
};

export interface ControlServerOptions {
  /** Address to bind ("0.0.0.0", "::", "127.0.0.1", …) and port (0 = a free port). */
  readonly host: string;
  readonly port: number;
  /** TLS 1.3 with this identity (and client certificates when it names a CA); null: plaintext. */
  readonly tls: ServerTls | null;
  /** What the calls are served from: one plane, or one per call made for its caller. */
  readonly plane: ControlPlane | ((caller: Caller) => ControlPlane);
  /** Why a client address may not connect at all (the hosts rules), or null; default: everyone may. */
  readonly admitAddress?: (address: string) => string | null;
  readonly limits?: Partial<ControlLimits>;
  /** Serves Push and Pull; without it they answer TRANSPORT_UNAVAILABLE. */
  readonly sessions?: SessionService;
  /** Receives the `Data` calls (the gRPC fallback data plane). */
  readonly dataListener?: GrpcDataListener;
  /** Serves DelegatedPull; without it the call answers TRANSPORT_UNAVAILABLE. */
  readonly delegation?: DelegationService;
  /** Told of every call that failed with a bug (a non-BlitError or INTERNAL), for the log. */
  readonly onInternalError?: (method: string, error: unknown) => void;
  /** Told of every connection or call refused by a limit (for a warning in the log). */
  readonly onRefused?: (message: string) => void;
}

/** Why Push, Pull and DelegatedPull are refused by this build. */
const TRANSFERS_NOT_SERVED = "this daemon serves no transfers";

/**
 * The gRPC control server (`blit.v2.Blit`) over a ControlPlane. Every call goes through the
 * handshake, limits and error mapping of server-calls.ts; replies are converted by mapping.ts.
 */
export class GrpcControlServer {
  private constructor(
    private readonly server: Server,
    /** The bound port (the real one when 0 was asked). */
    readonly port: number,
  ) {}

  /** Binds and starts serving; a bind failure is UNREACHABLE naming the address. */
  static async start(options: ControlServerOptions): Promise<GrpcControlServer> {
    const limits = { ...DEFAULT_CONTROL_LIMITS, ...options.limits };
    const server = new Server({
      "grpc.max_receive_message_length": limits.maxMessageBytes,
      "grpc.max_send_message_length": limits.maxMessageBytes,
      "grpc.max_concurrent_streams": limits.maxStreamsPerSession,
      "grpc.max_connection_idle_ms": limits.idleTimeoutMs,
      "grpc.keepalive_time_ms": limits.keepaliveMs,
      "grpc.keepalive_timeout_ms": limits.keepaliveTimeoutMs,
    });
    const onRefused = options.onRefused ?? (() => {});
    const ctx: CallContext = {
      calls: new FairShares({ all: limits.maxConcurrentCalls, address: limits.maxCallsPerAddress, connection: limits.maxCallsPerConnection }),
      onInternalError: options.onInternalError ?? (() => {}),
      onRefused,
      refusedPeers: new Map(),
    };
    server.addService(BLIT_SERVICE, handlers(options, ctx));
    const address = options.host.includes(":") ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
    const sessions = {
      maxSessions: limits.maxSessions,
      maxSessionsPerAddress: limits.maxSessionsPerAddress,
      firstCallTimeoutMs: limits.firstCallTimeoutMs,
      onRefused,
      admit: options.admitAddress ?? (() => null),
      refusedPeers: ctx.refusedPeers as Map<string, BlitError>,
    };
    const credentials = serverCredentials(options.tls);
    const port = await withServerSettings(sessions, () => bind(server, address, credentials));
    return new GrpcControlServer(server, port);
  }

  /** Stops accepting; running calls get `graceMs` to finish, then are cancelled. */
  async stop(graceMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => resolve());
    });
    clearTimeout(timer);
  }
}

// --- internal ---

/** Binds `address`; a failure is one BlitError (grpc-js's own log line about it is silenced). */
function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    setLogVerbosity(logVerbosity.NONE);
    server.bindAsync(address, credentials, (error, port) => {
      setLogVerbosity(logVerbosity.ERROR);
      if (error === null) resolve(port);
      else reject(Object.assign(listenError(address, LISTEN_ERRNOS.find((n) => error.message.includes(n)) ?? ""), { cause: error }));
    });
  });
}

function handlers(options: ControlServerOptions, ctx: CallContext): UntypedServiceImplementation {
  const { sessions, dataListener, delegation } = options;
  const given = options.plane;
  const plane = typeof given === "function" ? given : () => given;
  return {
    Ping: unary(ctx, "Ping", async (_req, signal, who) => wire.toWireIdentity(await plane(who).ping(signal))),
    ListModules: unary(ctx, "ListModules", async (_req, signal, who) => wire.toWireModules(await plane(who).listModules(signal))),
    List: unary(ctx, "List", async (req, signal, who) => wire.toWireListing(await plane(who).list(wire.fromWireTarget(req.target), signal))),
    Find: serverStream(ctx, "Find", (req, signal, who) => mapStream(plane(who).find(wire.fromWireFind(req), signal), wire.toWireFound)),
    DiskUsage: serverStream(ctx, "DiskUsage", (req, signal, who) => mapStream(plane(who).diskUsage(wire.fromWireUsageQuery(req), signal), wire.toWireUsage)),
    FilesystemStats: unary(ctx, "FilesystemStats", async (req, signal, who) =>
      wire.toWireFsStats(await plane(who).filesystemStats(wire.fromWireTarget(req.target), signal)),
    ),
    Purge: unary(ctx, "Purge", async (req, signal, who) => wire.toWirePurge(await plane(who).purge(wire.fromWireTarget(req.target), signal))),
    CompletePath: unary(ctx, "CompletePath", async (req, signal, who) =>
      wire.toWireCandidates(await plane(who).completePath(wire.fromWireCompletion(req), signal)),
    ),
    Push: sessions === undefined ? notServed(ctx, "Push", TRANSFERS_NOT_SERVED) : sessionHandler(ctx, "push", sessions),
    Pull: sessions === undefined ? notServed(ctx, "Pull", TRANSFERS_NOT_SERVED) : sessionHandler(ctx, "pull", sessions),
    Data: dataListener === undefined ? notServed(ctx, "Data", TRANSFERS_NOT_SERVED) : bidi(ctx, "Data", async (call) => dataListener.offer(call)),
    DelegatedPull:
      delegation === undefined
        ? notServed(ctx, "DelegatedPull", TRANSFERS_NOT_SERVED)
        : serverStream(ctx, "DelegatedPull", (req, signal, who) => mapStream(delegation.pull(fromWireDelegatedPull(req), signal, who), toWireDelegationEvent)),
  };
}

async function* mapStream<T, W>(source: AsyncIterable<T>, convert: (value: T) => W): AsyncIterable<W> {
  for await (const value of source) yield convert(value);
}
