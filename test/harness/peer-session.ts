/**
 * A transfer session opened the way blit's client opens one (`openRemoteEnd`), for tests that send
 * requests a normal run never sends (remove ["."], a read of a missing file, non-UTF-8 paths):
 * `await using peer = await openPeerSession(daemon, "m", { move: true })` gives the PeerStore
 * rooted at the module; disposing it ends the session and closes the connector.
 */
import * as compose from "../../src/apps/compose.ts";
import type { PeerStore } from "../../src/apps/engine/peer-store.ts";
import { openRemoteEnd } from "../../src/apps/engine/remote-end.ts";

export async function openPeerSession(
  daemon: { readonly host: string; readonly port: number },
  module: string,
  options: { readonly role?: "push" | "pull"; readonly move?: boolean } = {},
): Promise<PeerStore & AsyncDisposable> {
  const connector = await compose.createSessionConnector();
  const end = { kind: "remote", raw: "", host: daemon.host, port: daemon.port, module, path: "", contentsOnly: true, trailingSlash: true } as const;
  const peer = await openRemoteEnd(end, connector, { role: options.role ?? "pull", move: options.move ?? false, forceGrpcData: false, signal: new AbortController().signal });
  const close = peer[Symbol.asyncDispose].bind(peer);
  return Object.assign(peer, {
    [Symbol.asyncDispose]: async () => {
      await close();
      await connector[Symbol.asyncDispose]();
    },
  });
}
