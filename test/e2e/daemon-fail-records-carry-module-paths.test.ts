// SPEC §5: errors a daemon sends name module-relative paths only. A file that cannot be read
// during a session (here: it does not exist) comes back as a FAIL record whose message names the
// file as the client asked for it, never the module's server-side directory, whether the module
// resolves paths beneath its root (use_chroot = true) or not.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { openSession } from "../harness/session-client.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test("a failed read's FAIL record carries no server path", async () => {
  using dir = makeTempDir("fail-record");
  writeTree(dir.path, { "open/here.txt": "h", "chroot/here.txt": "h" });
  await using daemon = await startDaemon({ modules: { open: { path: join(dir.path, "open"), useChroot: false }, chroot: { path: join(dir.path, "chroot") } } });
  for (const module of ["open", "chroot"]) {
    await using session = await openSession(daemon, module, "pull");
    const peer = session.store;
    const [whole] = await peer.readWhole(["sub/missing.txt"], 1 << 20);
    const streamed = await new Response(peer.read("sub/missing.txt")).bytes().then(
      () => null,
      (e: unknown) => (isBlitError(e) ? e : null),
    );
    for (const error of [whole !== undefined && whole !== null && "error" in whole ? whole.error : null, streamed]) {
      expect({ module, code: error?.code }).toEqual({ module, code: "NOT_FOUND" });
      expect({ module, message: error?.message.includes(dir.path) }).toEqual({ module, message: false });
      expect(error?.message).toMatch(/\bsub\b/);
    }
  }
}, 60_000);
