/**
 * A hostile source daemon for end-to-end tests: blit's own gRPC control server, session service
 * and data plane, in this process, serving modules whose listings the test writes. Each module
 * is a real directory (file bytes come from it); `listings` replaces what a directory lists, so
 * the daemon can send names a real filesystem never holds ("..", "a/../../x", "/abs", NUL, the
 * same name twice).
 * - `startFakeSourceDaemon({ modules: { m: { path, listings: { "": [...] } } } })` returns
 *   `{ control, host, port, stop() }`; `await using` stops it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordKnownHost } from "./daemon.ts";
import * as compose from "../../src/apps/compose.ts";
import { DaemonControl } from "../../src/apps/daemon/daemon-control.ts";
import { DaemonSessions } from "../../src/apps/daemon/daemon-sessions.ts";
import { ModuleExports, type Export } from "../../src/apps/daemon/module-exports.ts";
import type { DirEntry, EntryMeta } from "../../src/domain/entry.ts";
import type { DirListing, Store } from "../../src/ports/store.ts";

export interface FakeModule {
  /** The directory whose files the module serves. */
  readonly path: string;
  /** Directory (module-relative, "" = root) → the entries the daemon lists there instead. */
  readonly listings?: Readonly<Record<string, readonly DirEntry[]>>;
}

export interface FakeSourceDaemon extends AsyncDisposable {
  readonly control: string;
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startFakeSourceDaemon(options: { readonly modules: Readonly<Record<string, FakeModule>> }): Promise<FakeSourceDaemon> {
  const host = "127.0.0.1";
  const modules: Export[] = Object.entries(options.modules).map(([name, m]) => ({
    name,
    comment: "",
    readOnly: true,
    root: m.path,
    store: scripted(compose.openModuleStore(m.path, { beneath: false, keepOwners: true, readOnly: true }), m.listings ?? {}),
  }));
  const exports = new ModuleExports(modules, null);
  const stateDir = mkdtempSync(join(tmpdir(), "blit-fake-source-"));
  const tls = await compose.serverTls({ enabled: true }, stateDir);
  const data = await compose.startDataListeners(host, 0, tls?.server ?? null);
  const quiet = { info() {}, warn() {} };
  const sessions = new DaemonSessions(exports, data.listeners, { forceGrpcData: false, log: quiet });
  const plane = new DaemonControl(exports, { version: "fake", protocolVersion: await compose.protocolVersion(), motd: "" });
  const server = await compose.startControlServer({ host, port: 0, tls: tls?.server ?? null, plane, sessions, dataListener: data.listeners.get("control-port"), onInternalError: () => {} });
  if (tls !== null) recordKnownHost(`${host}:${server.port}`, tls.server.fingerprint);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop(1000);
    await sessions[Symbol.asyncDispose]();
    await exports[Symbol.asyncDispose]();
    rmSync(stateDir, { recursive: true, force: true });
  };
  return { control: `${host}:${server.port}`, host, port: server.port, stop, [Symbol.asyncDispose]: stop };
}

/** An entry's metadata, defaults filled in. */
export const meta = (m: Partial<EntryMeta> & Pick<EntryMeta, "kind">): EntryMeta => ({
  size: 0,
  mtimeNs: 1_600_000_000_000_000_000n,
  mode: m.kind === "dir" ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  ...m,
});

// --- internal ---

/** `inner`, except that the directories of `listings` list what the test wrote. */
function scripted(inner: Store, listings: Readonly<Record<string, readonly DirEntry[]>>): Store {
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key === "list") {
        return async (dir: string, signal?: AbortSignal): Promise<DirListing> => {
          const fake = listings[dir];
          return fake === undefined ? target.list(dir, signal) : { entries: fake, failures: [] };
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
