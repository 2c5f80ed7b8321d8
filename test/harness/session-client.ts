/**
 * A transfer session opened on a real daemon the way `blit` opens one, for tests that send what
 * the CLI never sends (writes in a pull session, paths through a symlink the client made…).
 * `openSession(daemon, module, role, { move })` returns the client's end as a Store (PeerStore);
 * `await using` closes the session and its connections. `localStore(dir)` is a plain local store,
 * the source of files written through the session.
 */
import { LocalStore } from "../../src/adapters/local/index.ts";
import { createSessionConnector } from "../../src/apps/compose.ts";
import type { PeerStore } from "../../src/adapters/blit-session/index.ts";
import { openRemoteEnd } from "../../src/adapters/blit-session/session-stores.ts";
import { harnessTrust, type RunningDaemon } from "./daemon.ts";

export interface TestSession extends AsyncDisposable {
  readonly store: PeerStore;
}

export async function openSession(daemon: RunningDaemon, module: string, role: "push" | "pull", options: { readonly move?: boolean } = {}): Promise<TestSession> {
  const connector = await createSessionConnector(harnessTrust);
  const abort = new AbortController();
  const end = { kind: "remote", raw: "", host: daemon.host, port: daemon.port, module, path: "", contentsOnly: false, trailingSlash: false } as const;
  let store: PeerStore;
  try {
    store = await openRemoteEnd(end, connector, { role, move: options.move === true, forceGrpcData: false, signal: abort.signal });
  } catch (e) {
    await connector[Symbol.asyncDispose]();
    throw e;
  }
  return {
    store,
    [Symbol.asyncDispose]: async () => {
      await store[Symbol.asyncDispose]();
      abort.abort();
      await connector[Symbol.asyncDispose]();
    },
  };
}

export const localStore = (root: string): LocalStore => new LocalStore({ root, cleanTemporaries: false, maxThreads: 1 });
