import { availableParallelism } from "node:os";
import { randomBytes } from "node:crypto";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { DataNegotiation, SessionHeader, SessionLink, SessionService } from "../../ports/session.ts";
import type { Listener } from "../../ports/transport.ts";
import { DataPort, type DataClaim } from "../engine/data-port.ts";
import { serveStoreSession } from "../engine/session-server.ts";
import { scrub, type ModuleExports } from "./module-exports.ts";

/** Data connections per session when the client states no wish: one per core, between 2 and 4. */
const STREAMS = Math.max(2, Math.min(4, availableParallelism()));
/** The most a client may ask for (its predictor's choice, SessionHeader.maxStreams). */
const STREAMS_CAP = Math.max(STREAMS, Math.min(8, 2 * availableParallelism()));

/** The client's wish within 1..STREAMS_CAP, or the daemon's default. */
export const streamsFor = (header: SessionHeader): number =>
  header.maxStreams !== undefined && header.maxStreams > 0 ? Math.min(header.maxStreams, STREAMS_CAP) : STREAMS;

export interface DaemonSessionsOptions {
  /** `--force-grpc-data`: offer gRPC data only. */
  readonly forceGrpcData: boolean;
  /** The RDMA data plane's listener when this machine has an active RDMA port (offered to clients that have one too). */
  readonly rdma?: Listener | null;
  readonly log: { info(message: string): void; warn(message: string): void };
  /** Told of every data connection refused by a limit (defaults to `log.warn`). */
  readonly onRefused?: (message: string) => void;
}

/**
 * The daemon's transfer sessions: checks the session root against its module (containment,
 * read-only: a push or a move-pull needs a writable module), claims data connections on the data
 * port with a fresh one-time token, and serves the session against the module's store.
 */
export class DaemonSessions implements SessionService, AsyncDisposable {
  private readonly port: DataPort;
  private readonly claims = new Map<string, DataClaim>();

  constructor(
    private readonly exports: ModuleExports,
    private readonly tcp: Listener,
    private readonly grpc: Listener,
    private readonly options: DaemonSessionsOptions,
  ) {
    this.port = new DataPort([tcp, grpc, ...(options.rdma ? [options.rdma] : [])], (n) => new Uint8Array(randomBytes(n)), options.onRefused ?? ((m) => options.log.warn(m)));
  }

  async negotiate(header: SessionHeader): Promise<DataNegotiation> {
    const writes = header.role === "push" || header.move;
    this.exports.resolve(header.root, writes ? "write" : "read");
    const streams = streamsFor(header);
    const claim = this.port.expect(streams);
    this.claims.set(key(claim.token), claim);
    const forced = this.options.forceGrpcData;
    return {
      dataPort: forced ? 0 : this.tcp.address.port,
      token: claim.token,
      streams,
      grpcData: forced,
      fallbackReason: forced ? "the daemon runs with --force-grpc-data" : "",
      rdmaPort: !forced && header.rdma === true && this.options.rdma ? this.options.rdma.address.port : 0,
    };
  }

  async serve(link: SessionLink, negotiation: DataNegotiation): Promise<void> {
    const claim = this.claims.get(key(negotiation.token));
    if (claim === undefined) throw new BlitError("INTERNAL", "session without a data claim");
    this.claims.delete(key(negotiation.token));
    const { header } = link;
    const writes = header.role === "push" || header.move;
    const target = this.exports.resolve(header.root, writes ? "write" : "read");
    const module = target.module;
    const warn = (message: string) => this.options.log.warn(`session from ${link.peer ?? "a client"}: ${message}`);
    try {
      await serveStoreSession(
        link,
        { store: module.store, root: target.path, canWrite: header.role === "push", canRemove: writes, scrub: (e) => scrub(e, module) as BlitError, warn },
        claim.channels,
      );
    } catch (e) {
      // A limit the client hit ends its session: the daemon says so in its log.
      if (isBlitError(e) && e.details.limit !== undefined) warn(e.message);
      throw e;
    } finally {
      claim.cancel();
    }
  }

  /** Data connections refused so far (bad or replayed tokens, garbage). */
  get rejectedConnections(): number {
    return this.port.rejected;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const c of this.claims.values()) c.cancel();
    await this.tcp[Symbol.asyncDispose]();
    await this.grpc[Symbol.asyncDispose]();
    await this.options.rdma?.[Symbol.asyncDispose]();
    await this.port[Symbol.asyncDispose]();
  }
}

const key = (token: Uint8Array): string => Buffer.from(token).toString("hex");
