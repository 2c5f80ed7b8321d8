/**
 * HTTP/2 settings grpc-js does not expose for servers. grpc-js builds its listener with
 * node:http2's `createServer`; while a server binds, that function is wrapped so the listener
 * advertises a large initial stream window, raises each session's connection window (without both,
 * uploads over a long fat pipe crawl at a few MB/s), and closes sessions beyond a cap.
 */
import http2 from "node:http2";

/** Stream and connection flow-control window for both directions of the control plane. */
export const FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;

/** Runs `bind` with node:http2's createServer wrapped as described above; restores it afterwards. */
export async function withServerSettings<T>(maxSessions: number, bind: () => Promise<T>): Promise<T> {
  const module = http2 as { createServer: typeof http2.createServer };
  const original = module.createServer;
  module.createServer = ((options: http2.ServerOptions = {}) => {
    const server = original({ ...options, settings: { ...options.settings, initialWindowSize: FLOW_CONTROL_WINDOW_BYTES } });
    capSessions(server, maxSessions);
    return server;
  }) as typeof http2.createServer;
  try {
    return await bind();
  } finally {
    module.createServer = original;
  }
}

// --- internal ---

function capSessions(server: http2.Http2Server, maxSessions: number): void {
  let open = 0;
  server.on("session", (session: http2.ServerHttp2Session) => {
    if (open >= maxSessions) {
      session.destroy();
      return;
    }
    open++;
    session.once("close", () => open--);
    try {
      session.setLocalWindowSize(FLOW_CONTROL_WINDOW_BYTES);
    } catch {
      // A session that is already closing keeps its default window.
    }
  });
}
