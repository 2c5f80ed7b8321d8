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
}

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
    const server = originalSecure({ ...options, minVersion: "TLSv1.3", settings: { ...options.settings, initialWindowSize: FLOW_CONTROL_WINDOW_BYTES } });
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

function capSessions(server: http2.Http2Server, limits: SessionLimits): void {
  const open = new FairShares({ all: limits.maxSessions, address: limits.maxSessionsPerAddress });
  server.on("session", (session: http2.ServerHttp2Session) => {
    const address = clientAddress(session.socket?.remoteAddress ?? "");
    const keys = { all: "", address };
    const full = open.take(keys);
    if (full !== null) {
      const why = full === "all" ? `${limits.maxSessions} connections are open` : `${limits.maxSessionsPerAddress} connections from this address are open`;
      limits.onRefused(`connection from ${address} closed: ${why}`);
      // After grpc-js saw the session too (it waits for the close of every session it saw when stopping).
      setImmediate(() => session.destroy());
      return;
    }
    const silent = setTimeout(() => {
      limits.onRefused(`connection from ${address} closed: no call within ${limits.firstCallTimeoutMs / 1000} s`);
      session.destroy();
    }, limits.firstCallTimeoutMs);
    session.once("stream", () => clearTimeout(silent));
    session.once("close", () => {
      clearTimeout(silent);
      open.give(keys);
    });
    try {
      session.setLocalWindowSize(FLOW_CONTROL_WINDOW_BYTES);
    } catch {
      // A session that is already closing keeps its default window.
    }
  });
}
