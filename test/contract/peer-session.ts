/**
 * A daemon's module served in this process, and the session-backed Store (PeerStore) on it, for
 * the Store contracts. The serving side is the daemon's own: DaemonSessions (what `blit-daemon`
 * serves a module with, src/apps/daemon/serve.ts) over ModuleExports, whose one module `m` is a
 * module store (compose.openModuleStore: a LocalStore contained beneath its root, as with
 * use_chroot = true) on a temp directory, and the session server of src/adapters/blit-session.
 * The control plane is the real gRPC one on 127.0.0.1 port 0 (it has no in-memory form); the
 * data plane is the memory transport (src/adapters/memory) on the data-port door, at both ends.
 * The client end is `openRemoteEnd`, as the CLI opens a session.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GrpcSessionConnector } from "../../src/adapters/grpc/index.ts";
import { openRemoteEnd } from "../../src/adapters/blit-session/session-stores.ts";
import type { PeerStore } from "../../src/adapters/blit-session/peer-store.ts";
import { MemoryTransport } from "../../src/adapters/memory/index.ts";
import * as compose from "../../src/apps/compose.ts";
import { DaemonControl } from "../../src/apps/daemon/daemon-control.ts";
import { DaemonSessions } from "../../src/apps/daemon/daemon-sessions.ts";
import { ModuleExports } from "../../src/apps/daemon/module-exports.ts";
import type { DataListeners } from "../../src/ports/data-transports.ts";

const HOST = "127.0.0.1";
export const MODULE = "m";

export interface ServedModule extends AsyncDisposable {
  /** The temp directory holding the module's root (`root`) and nothing else the daemon serves. */
  readonly base: string;
  /** The module's root on disk. */
  readonly root: string;
  /** A session on the module, rooted at its root: push (the module is written) or pull (read). */
  open(role: "push" | "pull"): Promise<PeerStore>;
}

/** Serves module `m` on `base/root` (created empty); disposing ends every session and removes `base`. */
export async function serveModule(): Promise<ServedModule> {
  const base = mkdtempSync(join(tmpdir(), "blit-peer-"));
  const root = join(base, "root");
  mkdirSync(root, { mode: 0o755 });
  const store = compose.openModuleStore(root, { beneath: true, keepOwners: false, readOnly: false });
  const exports = new ModuleExports([{ name: MODULE, comment: "", readOnly: false, root, store }], null);
  const memory = new MemoryTransport();
  const listeners: DataListeners = new Map([["data-port", await memory.listen({ host: HOST, port: 0 })]]);
  const quiet = { info() {}, warn() {} };
  const sessions = new DaemonSessions(exports, listeners, { forceGrpcData: false, log: quiet });
  const plane = new DaemonControl(exports, { version: "contract", protocolVersion: await compose.protocolVersion(), motd: "" });
  const server = await compose.startControlServer({ host: HOST, port: 0, tls: null, plane, sessions, onInternalError: () => {} });
  const connector = new GrpcSessionConnector(() => new Map([["memory", { transport: memory, door: "data-port" as const }]]));
  const opened: PeerStore[] = [];
  const end = { kind: "remote" as const, raw: `${HOST}:${server.port}:/${MODULE}/`, host: HOST, port: server.port, module: MODULE, path: "", contentsOnly: false, trailingSlash: true };
  return {
    base,
    root,
    async open(role) {
      const peer = await openRemoteEnd(end, connector, { role, move: false, forceGrpcData: false, signal: new AbortController().signal });
      opened.push(peer);
      return peer;
    },
    async [Symbol.asyncDispose]() {
      for (const peer of opened) await peer[Symbol.asyncDispose]();
      await connector[Symbol.asyncDispose]();
      await server.stop(1000);
      await sessions[Symbol.asyncDispose]();
      await exports[Symbol.asyncDispose]();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
