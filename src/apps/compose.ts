/**
 * The composition root: the only module of src/apps that imports adapters. Builds the engine's
 * dependencies for the CLI (local stores, daemons' modules as stores through the blit-session
 * adapter), the data-plane transport registry and the daemon's listeners by door, the daemon's
 * module stores, config loader and control server, and the control-plane client of `blit list`
 * and `blit-utils`. The gRPC, TCP, RDMA and TOML adapters are imported when first used, so local
 * commands and `--help` never load them.
 */
import { lstatSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, basename, join } from "node:path";
import { BlitError } from "../domain/errors.ts";
import { clientAddress, DAEMON_LIMITS } from "../domain/daemon-limits.ts";
import { FairShares } from "../domain/fair-shares.ts";
import { planDirectory } from "../domain/plan.ts";
import type { Planner } from "../ports/planner.ts";
import type { Caller, ControlPlane } from "../ports/control.ts";
import type { Discovery, PeerRecord } from "../ports/discovery.ts";
import type { PerfHistory } from "../ports/perf-history.ts";
import type { FsProfile } from "../domain/predictor.ts";
import type { Reporter } from "../ports/reporter.ts";
import type { DelegationClient, DelegationService } from "../ports/delegation.ts";
import type { SessionConnector, SessionService } from "../ports/session.ts";
import type { DataDoor, DataListeners, DataTransport, DataTransports } from "../ports/data-transports.ts";
import type { Listener, Transport } from "../ports/transport.ts";
import type { Store } from "../ports/store.ts";
import type { DaemonConfig, TlsConfig } from "../domain/daemon-config.ts";
import type { ClientTls, ServerTls, TlsProbe } from "../ports/tls.ts";
import { SessionStores } from "../adapters/blit-session/index.ts";
import { copyFileRange, LocalStore } from "../adapters/local/index.ts";
import type { EngineDeps } from "./engine/engine-deps.ts";
import type { Confirm } from "./engine/transfer-request.ts";
import { processTokens, type TokenSource } from "./toolkit/client-token.ts";

/** The daemon's side of the data plane and of a session (the blit-session adapter). */
export { DataPort, serveStoreSession, type DataClaim } from "../adapters/blit-session/index.ts";

export interface EngineDepsOptions {
  readonly reporter: Reporter;
  readonly confirm: Confirm | null;
  readonly signal: AbortSignal;
  readonly maxThreads: number | null;
  /** The predictor's initial worker count for the local store pool (within maxThreads; the pool
   * grows up to maxThreads or the cores when the run shows a backlog), or null. */
  readonly initialWorkers?: number | null;
  /** The predictor's copy buffer size per thread, or null for the default. */
  readonly bufferBytes?: number | null;
  /** The predictor's data-plane stream count to ask daemons for, or null. */
  readonly dataStreams?: number | null;
}

const PLANNER = { planDirectory } satisfies Planner;

export function createEngineDeps(opts: EngineDepsOptions): EngineDeps {
  return {
    reporter: opts.reporter,
    confirm: opts.confirm,
    signal: opts.signal,
    planner: PLANNER,
    home: homedir(),
    cwd: process.cwd(),
    openStore: (root, role) =>
      new LocalStore({
        root,
        cleanTemporaries: role === "destination",
        maxThreads: opts.maxThreads,
        initialThreads: opts.initialWorkers ?? null,
        bufferBytes: opts.bufferBytes ?? null,
      }),
    canonicalPath,
    dataStreams: opts.dataStreams ?? null,
    remoteStores: async () => new SessionStores(await sharedConnector()),
    delegation: sharedConnector,
    now: () => performance.now(),
  };
}

/**
 * The engine's dependencies inside the daemon, for a delegated pull: sessions on other daemons
 * through `sessions`, no local path at all (the destination is a module store handed to the
 * engine), no questions asked (the client asked its user).
 */
export function createDaemonEngineDeps(signal: AbortSignal, sessions: () => Promise<SessionConnector>): EngineDeps {
  return {
    reporter: { progress() {}, item() {}, warn() {} },
    confirm: null,
    signal,
    planner: PLANNER,
    home: "/",
    cwd: "/",
    openStore: () => {
      throw new BlitError("PERMISSION_DENIED", "a delegated pull touches no path outside the daemon's modules");
    },
    canonicalPath: (abs) => abs,
    dataStreams: null,
    remoteStores: async () => new SessionStores(await sessions()),
    now: () => performance.now(),
  };
}

/**
 * A daemon module's store; with `beneath` no path operation follows a symlink out of `root`; a
 * `readOnly` one refuses every change itself (READ_ONLY), whatever a caller forgot to check.
 * What clients send is stored as domain/received-entry.ts says: without `beneath`, client-made
 * symlinks are marked so that they lead nowhere (with it, no link leads out of `root` anyway);
 * with `keepOwners` false, entries are owned by the root's owner, without set-id bits.
 */
export function openModuleStore(root: string, module: { readonly beneath: boolean; readonly keepOwners: boolean; readonly readOnly: boolean }): Store {
  const { beneath, keepOwners, readOnly } = module;
  // Temporaries whose writer is gone (nobody holds their lock: a killed daemon or session) go when
  // a session next writes into their directory; listings and reads never remove anything.
  return new LocalStore({ root, cleanTemporaries: true, maxThreads: null, beneath, readOnly, received: { keepOwners, markLinks: !beneath }, offThread: true });
}

/** True when something exists at `path` (not following a final symlink). */
export function pathExists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** Reads the daemon config file (null when it is absent and not `required`); see the adapter. */
export async function loadDaemonConfig(file: string, required: boolean): Promise<DaemonConfig | null> {
  const { loadDaemonConfig: load } = await import("../adapters/toml-config/index.ts");
  return load(file, required);
}

/** The daemon's TLS identity: `[tls] cert`/`key`, else the self-signed pair in `stateDir` (made on first use). */
export async function daemonIdentity(tls: TlsConfig, stateDir: string): Promise<{ fingerprint: string; certPem: string; keyPem: string; source: string; generated: boolean }> {
  if (!tls.enabled) throw new BlitError("USAGE", "[tls] enabled = false: this daemon speaks plaintext and has no TLS fingerprint");
  const { loadConfiguredIdentity, loadOrCreateStateIdentity } = await import("../adapters/tls/index.ts");
  return tls.cert !== undefined && tls.key !== undefined ? loadConfiguredIdentity(tls.cert, tls.key) : loadOrCreateStateIdentity(stateDir, new Date());
}

/** What the daemon's TLS listeners present (null: plaintext), and where the identity came from. */
export async function serverTls(tls: TlsConfig, stateDir: string): Promise<{ server: ServerTls; source: string; generated: boolean } | null> {
  if (!tls.enabled) return null;
  const identity = await daemonIdentity(tls, stateDir);
  const { readText } = await import("../adapters/tls/index.ts");
  const clientCaPem = tls.clientCa === undefined ? null : readText(tls.clientCa, "[tls] client_ca");
  return { server: { certPem: identity.certPem, keyPem: identity.keyPem, fingerprint: identity.fingerprint, clientCaPem }, source: identity.source, generated: identity.generated };
}

/** The probe that learns a daemon's certificate before a client trusts it. */
export async function tlsProbe(): Promise<TlsProbe> {
  return (await import("../adapters/tls/index.ts")).probeTls;
}

/** What the daemon's control server needs. */
export interface ControlServerSpec {
  readonly host: string;
  readonly port: number;
  readonly tls: ServerTls | null;
  readonly plane: ControlPlane | ((caller: Caller) => ControlPlane);
  /** Why a client address may not connect at all (the hosts rules), or null. */
  readonly admitAddress?: (address: string) => string | null;
  /** Overrides of the connection limits (max_connections). */
  readonly limits?: { readonly maxSessions?: number };
  readonly onInternalError: (method: string, error: unknown) => void;
  /** Told of every connection or call refused by a limit. */
  readonly onRefused?: (message: string) => void;
  /** Transfer sessions (Push/Pull) and the gRPC fallback's Data calls. */
  readonly sessions?: SessionService;
  readonly dataListener?: Listener;
  /** DelegatedPull calls. */
  readonly delegation?: DelegationService;
}

/** A running control server: its bound port and a graceful stop. */
export interface RunningControlServer {
  readonly port: number;
  readonly protocolVersion: number;
  stop(graceMs: number): Promise<void>;
}

/** Starts the gRPC control server over `plane`. */
export async function startControlServer(spec: ControlServerSpec): Promise<RunningControlServer> {
  const { GrpcControlServer, PROTOCOL_VERSION } = await import("../adapters/grpc/index.ts");
  const server = await GrpcControlServer.start(spec as Parameters<typeof GrpcControlServer.start>[0]);
  return { port: server.port, protocolVersion: PROTOCOL_VERSION, stop: (graceMs) => server.stop(graceMs) };
}

/** The wire protocol version of this build. */
export async function protocolVersion(): Promise<number> {
  return (await import("../adapters/grpc/index.ts")).PROTOCOL_VERSION;
}

/** The tokens this process presents (--token-file, BLIT_TOKEN, credentials.toml: apps/toolkit/client-token.ts). */
const clientTokens: TokenSource = (host, port) => processTokens()(host, port);

/** A control-plane client of the daemon at `host:port` reached as `tls` says, presenting this process's token; dispose it to close the connection. */
export async function connectDaemon(host: string, port: number, tls: ClientTls | null): Promise<ControlPlane & AsyncDisposable> {
  const { GrpcControlClient } = await import("../adapters/grpc/index.ts");
  return new GrpcControlClient({ host, port, tls, token: clientTokens(host, port) });
}

/** Discovery from a fixed list of peers (named with --peers). */
export async function openStaticDiscovery(peers: readonly PeerRecord[]): Promise<Discovery> {
  const { StaticDiscovery } = await import("../adapters/static-discovery/index.ts");
  return new StaticDiscovery(peers);
}

/** mDNS discovery (ciao advertises, bonjour-service browses); the libraries load when first used. */
export async function openMdnsDiscovery(options: { interfaces: readonly string[]; onRename?: (name: string) => void }): Promise<Discovery> {
  const { MdnsDiscovery } = await import("../adapters/mdns/index.ts");
  return new MdnsDiscovery(options);
}

/** The local performance history in $XDG_CONFIG_HOME/blit (default ~/.config/blit). */
export async function openPerfHistory(env: Readonly<Record<string, string | undefined>>): Promise<PerfHistory> {
  const { PerfHistoryFile } = await import("../adapters/telemetry-file/index.ts");
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME.startsWith("/") ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), ".config");
  return new PerfHistoryFile({ dir: join(base, "blit") });
}

/** The filesystem type holding a local path ("tmpfs", "ext4", …). */
export async function fsTypeOf(path: string): Promise<string> {
  return (await import("../adapters/fs-probe/index.ts")).fsTypeOf(path);
}

/** Measures the filesystem holding `dir` (blit-utils profile). */
export async function measureFsProfile(dir: string): Promise<FsProfile> {
  const { measureProfile } = await import("../adapters/fs-probe/index.ts");
  return measureProfile(dir, { now: () => performance.now(), at: new Date().toISOString(), copyFileRange });
}

/** Resolves symlinks in the existing part of an absolute path; the missing tail is kept as is. */
function canonicalPath(abs: string): string {
  let head = abs;
  const tail: string[] = [];
  for (let i = 0; i < 4096; i++) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return abs;
      tail.push(basename(head));
      head = parent;
    }
  }
  return abs;
}

/**
 * Tells the service manager about the daemon (sd_notify: "READY=1", "STOPPING=1", "STATUS=…")
 * when it runs under systemd (NOTIFY_SOCKET set); elsewhere does nothing. Null when sent or not
 * asked for, else why it failed (a warning: never fatal).
 */
export async function notifyServiceManager(state: string): Promise<string | null> {
  const address = process.env.NOTIFY_SOCKET;
  if (address === undefined || address === "") return null;
  const { sendNotify } = await import("../adapters/systemd/index.ts");
  return sendNotify(address, state);
}

/**
 * The daemon's data-plane listeners by door: the data port, TCP on `host` and `port` (0 = any free
 * port; TLS with `tls`); the control port's gRPC fallback Data calls; and the RDMA connection port
 * when this machine has an active RDMA port and the daemon speaks plaintext (`rdmaReason` says why not).
 */
export async function startDataListeners(
  host: string,
  port = 0,
  tls: ServerTls | null = null,
  doors: { readonly admitAddress: (address: string) => string | null; readonly onRefused: (message: string) => void } | null = null,
): Promise<{ listeners: DataListeners; rdmaReason: string }> {
  const { TcpTransport } = await import("../adapters/tcp/index.ts");
  const { GrpcDataListener } = await import("../adapters/grpc/index.ts");
  // The hosts rules, the pending-connection cap and the handshake bound apply as a TCP connection
  // opens, before any TLS work (the data port applies them again to connections it is handed).
  const pending = new FairShares({ address: DAEMON_LIMITS.maxPendingDataConnectionsPerAddress });
  const gate =
    doors === null
      ? undefined
      : {
          enter: (address: string) => {
            const denied = doors.admitAddress(clientAddress(address));
            if (denied !== null) return `refused: ${denied}`;
            return pending.take({ address: clientAddress(address) }) === null ? null : `closed: ${pending.limit("address")} connections from this address have not presented a token yet`;
          },
          leave: (address: string) => pending.give({ address: clientAddress(address) }),
          handshakeTimeoutMs: DAEMON_LIMITS.dataHelloTimeoutMs,
          refused: (address: string, why: string) => doors.onRefused(`data connection from ${clientAddress(address)} ${why.startsWith("no TLS") ? `closed: ${why}` : why}`),
        };
  let tcp: Listener;
  try {
    tcp = await new TcpTransport({ server: tls, ...(gate !== undefined && { gate }) }).listen({ host, port });
  } catch (e) {
    const shown = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const why = (e as { code?: string }).code === "EADDRINUSE" ? "the port is in use" : e instanceof Error ? e.message : String(e);
    throw new BlitError("UNREACHABLE", `cannot listen on the data port ${shown}: ${why}: choose another with --data-port N (or data_port; 0 = any free port)`, { address: shown }, { cause: e });
  }
  const listeners = new Map<DataDoor, Listener>([
    ["data-port", tcp],
    ["control-port", new GrpcDataListener({ host, port: 0 })],
  ]);
  // SPEC §9: with TLS on the control plane every data connection is TLS too, and RDMA carries no TLS.
  if (tls !== null) return { listeners, rdmaReason: "TLS is on and RDMA carries no TLS; [tls] enabled = false allows it" };
  const probe = await probeRdma();
  if (probe.transport === null) return { listeners, rdmaReason: probe.reason };
  try {
    listeners.set("rdma-port", await probe.transport.listen({ host, port: 0 }));
    return { listeners, rdmaReason: "" };
  } catch (e) {
    return { listeners, rdmaReason: `the RDMA connection port cannot listen (${(e as Error).message})` };
  }
}

/** How a client reaches each daemon: its trusted certificate, or null for plaintext (see apps/trust). */
export type TrustResolver = (address: { host: string; port: number }) => Promise<ClientTls | null>;

/**
 * Opens transfer sessions on daemons (TCP data plane, RDMA when available, gRPC fallback), each
 * reached as `trust` says, presenting the tokens of `tokens` (default: this process's client
 * tokens); dispose to close. `plaintext`: false when `trust` never answers plaintext (a client
 * without --no-tls), so RDMA, which carries no TLS, is not even probed.
 */
export async function createSessionConnector(trust: TrustResolver, tokens?: TokenSource, plaintext = true): Promise<SessionConnector & DelegationClient & AsyncDisposable> {
  const { GrpcSessionConnector } = await import("../adapters/grpc/index.ts");
  return new GrpcSessionConnector(await clientDataTransports(plaintext), trust, tokens ?? ((host, port) => clientTokens(host, port)));
}

/**
 * The registry of this process's data-plane transports, by name, for a daemon reached as `tls`
 * says: "tcp" through the data port and, in plaintext when this machine has an active RDMA port,
 * "rdma" (it carries no TLS, SPEC §9). The session connector adds its gRPC fallback ("grpc").
 * A new data-plane transport is registered here.
 */
async function clientDataTransports(plaintext: boolean): Promise<(tls: ClientTls | null) => DataTransports> {
  const { TcpTransport } = await import("../adapters/tcp/index.ts");
  // Loading libibverbs and listing devices costs a TLS-only process ~2 ms for nothing.
  const rdma = plaintext ? (await probeRdma()).transport : null;
  return (tls) => {
    const transports = new Map<string, DataTransport>([["tcp", { transport: new TcpTransport({ client: tls }), door: "data-port" }]]);
    if (rdma !== null && tls === null) transports.set("rdma", { transport: rdma, door: "rdma-port" });
    return transports;
  };
}

let rdmaProbe: Promise<RdmaAvailability> | null = null;

/** This machine's RDMA devices and transport, probed once per process (see the rdma adapter). */
export interface RdmaAvailability {
  readonly transport: Transport | null;
  readonly devices: readonly { readonly name: string; readonly port: number; readonly linkLayer: string; readonly active: boolean; readonly gbps: number; readonly mtuBytes: number }[];
  readonly reason: string;
}

/**
 * Loads libibverbs once: BLIT_IBVERBS_PATH names another library file (a test stand-in, or an
 * operator's rdma-core build); default libibverbs.so.1. No library or no device: no transport.
 */
export function probeRdma(): Promise<RdmaAvailability> {
  rdmaProbe ??= import("../adapters/rdma/index.ts").then((m) => m.openRdma(process.env.BLIT_IBVERBS_PATH || undefined));
  return rdmaProbe;
}

let connector: Promise<SessionConnector & DelegationClient & AsyncDisposable> | null = null;
let processTrust: TrustResolver | null = null;
let processPlaintext = true;

/**
 * Sets how this process's shared connector trusts daemons (the CLI does it once, from its flags);
 * `plaintext`: whether it may answer plaintext (--no-tls).
 */
export function setProcessTrust(trust: TrustResolver, plaintext: boolean): void {
  processTrust = trust;
  processPlaintext = plaintext;
}

/** One session connector per process, created when a remote end is first opened. */
function sharedConnector(): Promise<SessionConnector & DelegationClient> {
  connector ??= createSessionConnector(
    processTrust ??
      (async () => {
        throw new BlitError("INTERNAL", "no trust settings for daemons were given to this process");
      }),
    undefined,
    processTrust === null || processPlaintext,
  );
  return connector;
}
