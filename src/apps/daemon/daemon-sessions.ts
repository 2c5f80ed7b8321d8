import { availableParallelism } from "node:os";
import { randomBytes } from "node:crypto";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { Caller } from "../../ports/control.ts";
import type { ClientMessage, DataNegotiation, SessionHeader, SessionLink, SessionService } from "../../ports/session.ts";
import type { DataListeners } from "../../ports/data-transports.ts";
import { DataPort, serveStoreSession, type DataClaim } from "../compose.ts";
import { storeBytes } from "../engine/store-bytes.ts";
import { outcomeOf, type DaemonAudit } from "./daemon-audit.ts";
import { NO_CALLER, scrub, type ModuleExports, type ResolvedTarget } from "./module-exports.ts";

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
  readonly log: { info(message: string): void; warn(message: string): void };
  /** Told of every data connection refused by a limit (defaults to `log.warn`). */
  readonly onRefused?: (message: string) => void;
  /** Why a client address may not open data connections (the hosts rules), or null. */
  readonly admitAddress?: (address: string) => string | null;
  /** Session start and end lines. */
  readonly audit?: DaemonAudit;
}

/** A negotiated session waiting for its `serve`. */
interface Pending {
  readonly claim: DataClaim;
  readonly target: ResolvedTarget;
  readonly caller: Caller;
  readonly started: number;
}

/**
 * The daemon's transfer sessions: checks the session root against its module (containment,
 * read-only: a push or a move-pull needs a writable module), claims data connections on the data
 * port with a fresh one-time token, and serves the session against the module's store.
 */
export class DaemonSessions implements SessionService, AsyncDisposable {
  private readonly port: DataPort;
  private readonly claims = new Map<string, Pending>();

  constructor(
    private readonly exports: ModuleExports,
    private readonly listeners: DataListeners,
    private readonly options: DaemonSessionsOptions,
  ) {
    this.port = new DataPort(
      [...listeners.values()],
      (n) => new Uint8Array(randomBytes(n)),
      options.onRefused ?? ((m) => options.log.warn(m)),
      options.admitAddress,
    );
  }

  async negotiate(header: SessionHeader, caller: Caller = NO_CALLER): Promise<DataNegotiation> {
    const writes = header.role === "push" || header.move;
    const verb = verbOf(header);
    const target = await this.exports.resolve(header.root, writes ? "write" : "read", caller, verb);
    const streams = streamsFor(header);
    const claim = this.port.expect(streams);
    this.claims.set(key(claim.token), { claim, target, caller, started: performance.now() });
    this.options.audit?.sessionStart({ client: caller.address, credential: target.credential, module: target.module.name, verb, route: header.role });
    const forced = this.options.forceGrpcData;
    const rdma = this.listeners.get("rdma-port");
    return {
      dataPort: forced ? 0 : (this.listeners.get("data-port")?.address.port ?? 0),
      token: claim.token,
      streams,
      grpcData: forced,
      fallbackReason: forced ? "the daemon runs with --force-grpc-data" : "",
      rdmaPort: !forced && header.rdma === true && rdma !== undefined ? rdma.address.port : 0,
    };
  }

  async serve(link: SessionLink, negotiation: DataNegotiation): Promise<void> {
    const pending = this.claims.get(key(negotiation.token));
    if (pending === undefined) throw new BlitError("INTERNAL", "session without a data claim");
    this.claims.delete(key(negotiation.token));
    const { claim, target, caller } = pending;
    const { header } = link;
    const writes = header.role === "push" || header.move;
    const module = target.module;
    const warn = (message: string) => this.options.log.warn(`session from ${link.peer ?? "a client"}: ${message}`);
    const counts = { files: 0, bytes: 0 };
    const counted: SessionLink = { ...link, incoming: countFiles(link.incoming, counts) };
    let outcome = "ok";
    try {
      await serveStoreSession(
        counted,
        { store: module.store, root: target.path, canWrite: header.role === "push", canRemove: writes, scrub: (e) => scrub(e, module) as BlitError, warn, bytesOf: storeBytes },
        claim.channels,
      );
    } catch (e) {
      outcome = outcomeOf(e);
      // A limit the client hit ends its session: the daemon says so in its log.
      if (isBlitError(e) && e.details.limit !== undefined) {
        warn(e.message);
        this.options.audit?.refused({ client: caller.address, credential: target.credential, module: module.name, verb: verbOf(header), refusal: "limit", reason: e.message });
      }
      if (isBlitError(e) && e.code === "PATH_ESCAPE") {
        this.options.audit?.refused({ client: caller.address, credential: target.credential, module: module.name, verb: verbOf(header), refusal: "escape", reason: e.message });
      }
      throw e;
    } finally {
      claim.cancel();
      const duration = Math.round(performance.now() - pending.started);
      const moved = header.role === "push" ? { files: counts.files, bytes: counts.bytes } : { files: counts.files };
      this.options.audit?.sessionEnd({ client: caller.address, credential: target.credential, module: module.name, verb: verbOf(header), route: header.role, ...moved, outcome, duration_ms: duration });
    }
  }

  /** Data connections refused so far (bad or replayed tokens, garbage). */
  get rejectedConnections(): number {
    return this.port.rejected;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const p of this.claims.values()) p.claim.cancel();
    for (const listener of this.listeners.values()) await listener[Symbol.asyncDispose]();
    await this.port[Symbol.asyncDispose]();
  }
}

const key = (token: Uint8Array): string => Buffer.from(token).toString("hex");

/** What the audit trail calls a session: push, pull, or move-from (a pull whose sources are removed). */
const verbOf = (header: SessionHeader): string => (header.role === "push" ? "push" : header.move ? "move-from" : "pull");

/** The client's messages, counting the files its write (push) and read (pull) requests name, and the bytes of files written. */
async function* countFiles<P>(incoming: AsyncIterable<ClientMessage<P>>, counts: { files: number; bytes: number }): AsyncIterable<ClientMessage<P>> {
  for await (const m of incoming) {
    if (m.t === "request" && m.request.op === "read") counts.files += m.request.items.length;
    if (m.t === "request" && m.request.op === "write") {
      counts.files += m.request.items.length;
      for (const item of m.request.items) counts.bytes += item.meta.kind === "file" ? Math.max(0, item.meta.size - item.resumeFrom) : 0;
    }
    yield m;
  }
}
