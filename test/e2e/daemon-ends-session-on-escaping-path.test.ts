// SPEC §5 Hostile peers: a session request whose path leaves the module (here a write of
// "../evil", a manifest entry no blit client sends) is answered with PATH_ESCAPE naming the path,
// and the daemon then ends that session: its next request fails too. Nothing is created outside
// the module, and the daemon goes on serving new sessions.
import { expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { EntryMeta } from "../../src/domain/entry.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { openSession } from "../harness/session-client.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const DIR: EntryMeta = { kind: "dir", size: 0, mtimeNs: 1_600_000_000_000_000_000n, mode: 0o777, uid: 0, gid: 0 };
const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? `${e.code}: ${e.message}` : String(e)));

test("an escaping path in a session request ends that session; others are served", async () => {
  using dir = makeTempDir("escape-session");
  writeTree(dir.path, { "m/keep.txt": "k" });
  await using daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  const before = readdirSync(dir.path).sort();
  {
    await using session = await openSession(daemon, "m", "push");
    const peer = session.store;
    expect(await codeOf(peer.write([{ path: "../evil", meta: DIR }]))).toMatch(/^PATH_ESCAPE: .*'\.\.\/evil'/);
    expect(await codeOf(peer.stat("keep.txt"))).toMatch(/^PATH_ESCAPE/);
  }
  expect(readdirSync(dir.path).sort()).toEqual(before);
  expect(existsSync(join(dir.path, "evil"))).toBe(false);
  await using next = await openSession(daemon, "m", "pull");
  expect((await next.store.stat("keep.txt"))?.kind).toBe("file");
}, 60_000);
