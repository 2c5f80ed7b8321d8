import { Client, Metadata, type MethodDefinition } from "@grpc/grpc-js";
import { BlitError } from "../../domain/errors.ts";
import type {
  CompletionQuery,
  ControlPlane,
  DaemonIdentity,
  FilesystemStats,
  FindQuery,
  FoundEntry,
  Listing,
  ModuleList,
  PurgeResult,
  RemoteTarget,
  UsageQuery,
  UsageRow,
} from "../../ports/control.ts";
import type { ClientTls } from "../../ports/tls.ts";
import { FLOW_CONTROL_WINDOW_BYTES } from "./http2-windows.ts";
import { KEEPALIVE_OPTIONS } from "./keepalive.ts";
import { channelCredentials } from "./tls-credentials.ts";
import * as wire from "./mapping.ts";
import { fromServiceError } from "./status.ts";
import { BLIT_SERVICE, PROTOCOL_HEADER, PROTOCOL_VERSION, TOKEN_HEADER, type MethodName, type WireMessage } from "./wire-schema.ts";

export interface ControlClientOptions {
  /** Daemon host name or address (an IPv6 literal without brackets). */
  readonly host: string;
  readonly port: number;
  /** The daemon's trusted certificate (TLS), or null for a plaintext daemon (--no-tls). */
  readonly tls: ClientTls | null;
  /** Deadline of each unary call. */
  readonly callTimeoutMs?: number;
  /** Largest message accepted. */
  readonly maxMessageBytes?: number;
  /** The protocol version announced in the handshake; only tests set another. */
  readonly protocolVersion?: number;
  /** The token presented on every call (`blit-token` metadata), or none. */
  readonly token?: string | null;
}

/**
 * The ControlPlane of a remote daemon over gRPC. Every call carries the protocol handshake; every
 * failure is rebuilt as the daemon's BlitError (status.ts), or, when gRPC itself failed, as
 * UNREACHABLE / TIMEOUT / PROTOCOL_MISMATCH naming `host:port`. Dispose to close the connection.
 */
export class GrpcControlClient implements ControlPlane, AsyncDisposable {
  /** `host:port` as messages name the daemon. */
  readonly daemon: string;
  private readonly client: Client;
  private readonly metadata: Metadata;
  private readonly callTimeoutMs: number;
  /** How the daemon is reached (pinned TLS, with a client certificate or not; null: plaintext), for error messages. */
  private readonly tls: ClientTls | null;

  constructor(options: ControlClientOptions) {
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    this.daemon = `${host}:${options.port}`;
    const maxMessage = options.maxMessageBytes ?? 8 * 1024 * 1024;
    this.client = new Client(this.daemon, channelCredentials(options.tls), {
      "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW_BYTES,
      "grpc.max_receive_message_length": maxMessage,
      "grpc.max_send_message_length": maxMessage,
      "grpc.enable_retries": 0,
      ...KEEPALIVE_OPTIONS,
    });
    this.metadata = new Metadata();
    this.metadata.set(PROTOCOL_HEADER, String(options.protocolVersion ?? PROTOCOL_VERSION));
    if (options.token !== undefined && options.token !== null) this.metadata.set(TOKEN_HEADER, options.token);
    this.callTimeoutMs = options.callTimeoutMs ?? 60_000;
    this.tls = options.tls;
  }

  ping(signal?: AbortSignal): Promise<DaemonIdentity> {
    return this.unary("Ping", {}, wire.fromWireIdentity, signal);
  }

  listModules(signal?: AbortSignal): Promise<ModuleList> {
    return this.unary("ListModules", {}, wire.fromWireModules, signal);
  }

  list(target: RemoteTarget, signal?: AbortSignal): Promise<Listing> {
    return this.unary("List", { target: wire.toWireTarget(target) }, wire.fromWireListing, signal);
  }

  find(query: FindQuery, signal?: AbortSignal): AsyncIterable<FoundEntry> {
    return this.stream("Find", wire.toWireFind(query), wire.fromWireFound, signal);
  }

  diskUsage(query: UsageQuery, signal?: AbortSignal): AsyncIterable<UsageRow> {
    return this.stream("DiskUsage", wire.toWireUsageQuery(query), wire.fromWireUsage, signal);
  }

  filesystemStats(target: RemoteTarget, signal?: AbortSignal): Promise<FilesystemStats> {
    return this.unary("FilesystemStats", { target: wire.toWireTarget(target) }, wire.fromWireFsStats, signal);
  }

  purge(target: RemoteTarget, signal?: AbortSignal): Promise<PurgeResult> {
    return this.unary("Purge", { target: wire.toWireTarget(target) }, wire.fromWirePurge, signal);
  }

  completePath(query: CompletionQuery, signal?: AbortSignal): Promise<string[]> {
    return this.unary("CompletePath", wire.toWireCompletion(query), wire.fromWireCandidates, signal);
  }

  /** Calls a method with a hand-made request (tests of what a careless client may send). */
  raw(method: MethodName, request: WireMessage, signal?: AbortSignal): Promise<WireMessage> {
    return this.unary(method, request, (w) => w, signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.client.close();
  }

  // --- internal ---

  private unary<T>(method: MethodName, request: WireMessage, convert: (w: WireMessage) => T, signal?: AbortSignal): Promise<T> {
    const def = definition(method);
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(this.cancelled(method));
      const onAbort = (): void => call.cancel();
      const deadline = Date.now() + this.callTimeoutMs;
      const call = this.client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, this.metadata, { deadline }, (error, value) => {
        signal?.removeEventListener("abort", onAbort);
        if (signal?.aborted) reject(this.cancelled(method));
        else if (error !== null || value === undefined) reject(fromServiceError(error, this.daemon, method, this.tls));
        else resolve(convert(value));
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private async *stream<T>(method: MethodName, request: WireMessage, convert: (w: WireMessage) => T, signal?: AbortSignal): AsyncIterable<T> {
    if (signal?.aborted) throw this.cancelled(method);
    const def = definition(method);
    const call = this.client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, request, this.metadata, {});
    const onAbort = (): void => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const message of call) yield convert(message as WireMessage);
    } catch (e) {
      throw signal?.aborted ? this.cancelled(method) : fromServiceError(e, this.daemon, method, this.tls);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  private cancelled(method: string): BlitError {
    return new BlitError("CANCELLED", `${method} to ${this.daemon} was cancelled`, { daemon: this.daemon });
  }
}

// --- internal ---

function definition(method: MethodName): MethodDefinition<WireMessage, WireMessage> {
  const def = BLIT_SERVICE[method];
  if (def === undefined) throw new BlitError("INTERNAL", `no method ${method} in the protocol schema`);
  return def as MethodDefinition<WireMessage, WireMessage>;
}
