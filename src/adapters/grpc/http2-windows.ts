/**
 * HTTP/2 settings grpc-js does not expose for servers. grpc-js builds its listener with
 * node:http2's `createServer`; while a server binds, that function is wrapped so the listener
 * advertises a large initial stream window, raises each session's connection window (without both,
 * uploads over a long fat pipe crawl at a few MB/s), and closes sessions beyond the caps (in total
 * and per client address) and sessions that open no call in time (a connection that never sends
 * the HTTP/2 preface, or never a request). The TLS listener (`createSecureServer`) gets the same
 * settings and speaks TLS 1.3 only.
 */
import http2 from "node:http2";
import { clientAddress } from "../../domain/daemon-limits.ts";
import { BlitError } from "../../domain/errors.ts";
import { FairShares } from "../../domain/fair-shares.ts";

/** Stream and connection flow-control window for both directions of the control plane. */
export const FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;

/** The connection limits of one server. */
export interface SessionLimits {
  readonly maxSessions: number;
  readonly maxSessionsPerAddress: number;
  readonly firstCallTimeoutMs: number;
  /** Told of every connection closed by a limit. */
  readonly onRefused: (message: string) => void;
  /** Why a client address may not connect at all (the hosts rules), or null. */
  readonly admit: (address: string) => string | null;
  /**
   * Connections over the total cap or from a refused address, by peer (`address:port`, as grpc-js
   * names a call's peer): their calls are answered with this error, and they are closed soon after.
   */
  readonly refusedPeers: Map<string, BlitError>;
}

/** How long a refused connection stays open for its calls to get their status. */
const REFUSED_LINGER_MS = 2_000;

/** Runs `bind` with node:http2's createServer wrapped as described above; restores it afterwards. */
export async function withServerSettings<T>(limits: SessionLimits, bind: () => Promise<T>): Promise<T> {
  const module = http2 as { createServer: typeof http2.createServer; createSecureServer: typeof http2.createSecureServer };
  const original = module.createServer;
  const originalSecure = module.createSecureServer;
  module.createServer = ((options: http2.ServerOptions = {}) => {
    const server = original({ ...options, settings: { ...options.settings, initialWindowSize: FLOW_CONTROL_WINDOW_BYTES } });
    capSessions(server, limits);
    return server;
  }) as typeof http2.createServer;
  module.createSecureServer = ((options: http2.SecureServerOptions = {}) => {
    const server = originalSecure({ ...options, minVersion: "TLSv1.3", handshakeTimeout: limits.firstCallTimeoutMs, settings: { ...options.settings, initialWindowSize: FLOW_CONTROL_WINDOW_BYTES } });
    capSessions(server as unknown as http2.Http2Server, limits);
    return server;
  }) as typeof http2.createSecureServer;
  try {
    return await bind();
  } finally {
    module.createServer = original;
    module.createSecureServer = originalSecure;
  }
}

// --- internal ---

/** Answers every call of `session` with `error` (server-calls.ts looks it up), then closes it. */
function refuseWithStatus(session: http2.ServerHttp2Session, limits: SessionLimits, error: BlitError): void {
  const socket = session.socket;
  const peer = `${socket?.remoteAddress ?? ""}:${socket?.remotePort ?? ""}`;
  limits.refusedPeers.set(peer, error);
  const close = setTimeout(() => session.destroy(), REFUSED_LINGER_MS);
  session.once("close", () => {
    clearTimeout(close);
    limits.refusedPeers.delete(peer);
  });
}

/**
 * Connections are counted as TCP connections (the "connection" event, before any TLS handshake,
 * so a peer that connects and never completes the handshake holds its share, and one over its
 * address's cap is closed at once); the hosts and max_connections verdicts are acted on when
 * HTTP/2 starts on the connection, so a refused client gets a clear status. A connection has
 * firstCallTimeoutMs for its first call, TLS handshake and HTTP/2 preface included.
 */
function capSessions(server: http2.Http2Server, limits: SessionLimits): void {
  const open = new FairShares({ all: limits.maxSessions, address: limits.maxSessionsPerAddress });
  const verdicts = new Map<string, "hosts" | "all" | "address" | null>();
  const silentTimers = new Map<string, ReturnType<typeof setTimeout>>();
  server.on("connection", (socket: import("node:net").Socket) => {
    const address = clientAddress(socket.remoteAddress ?? "");
    const peer = `${socket.remoteAddress ?? ""}:${socket.remotePort ?? ""}`;
    const keys = { all: "", address };
    const verdict = limits.admit(address) !== null ? "hosts" : open.take(keys);
    if (verdict === "address") {
      // No status for these: closed at once, before any TLS or HTTP/2 work.
      limits.onRefused(`connection from ${address} closed: ${limits.maxSessionsPerAddress} connections from this address are open`);
      socket.destroy();
      return;
    }
    verdicts.set(peer, verdict);
    // Until its first call (TLS handshake and HTTP/2 preface included) a connection has firstCallTimeoutMs.
    const silent = setTimeout(() => {
      limits.onRefused(`connection from ${address} closed: no call within ${limits.firstCallTimeoutMs / 1000} s`);
      socket.destroy();
    }, limits.firstCallTimeoutMs);
    silentTimers.set(peer, silent);
    socket.once("close", () => {
      clearTimeout(silent);
      silentTimers.delete(peer);
      verdicts.delete(peer);
      if (verdict === null) open.give(keys);
    });
  });
  // A client certificate refused (mTLS), or any other failed handshake: a refusal for the log.
  server.on("tlsClientError", (error: Error, socket: import("node:net").Socket) => {
    limits.onRefused(`connection from ${clientAddress(socket.remoteAddress ?? "")} refused: TLS handshake failed (${error.message})`);
  });
  server.on("session", (session: http2.ServerHttp2Session) => {
    const address = clientAddress(session.socket?.remoteAddress ?? "");
    const verdict = verdicts.get(`${session.socket?.remoteAddress ?? ""}:${session.socket?.remotePort ?? ""}`) ?? null;
    if (verdict === "address") return;
    const denied = limits.admit(address);
    if (verdict === "hosts" || denied !== null) {
      limits.onRefused(`connection from ${address} refused: ${denied ?? "hosts rules"}`);
      const error = new BlitError("PERMISSION_DENIED", `this daemon does not accept connections from ${address} (its hosts_allow / hosts_deny): ask its operator`, { refusal: "hosts", address });
      return refuseWithStatus(session, limits, error);
    }
    if (verdict === "all") {
      limits.onRefused(`connection from ${address} refused: max_connections (${limits.maxSessions}) connections are open`);
      const error = new BlitError("UNREACHABLE", `the daemon is busy: it serves at most ${limits.maxSessions} connections (max_connections) and all are in use: try again shortly`, {
        refusal: "limit",
        limit: "max_connections",
      });
      return refuseWithStatus(session, limits, error);
    }
    const peer = `${session.socket?.remoteAddress ?? ""}:${session.socket?.remotePort ?? ""}`;
    session.once("stream", () => clearTimeout(silentTimers.get(peer)));
    try {
      session.setLocalWindowSize(FLOW_CONTROL_WINDOW_BYTES);
    } catch {
      // A session that is already closing keeps its default window.
    }
  });
}
