// SPEC §5 containment for snapshot steps (--link-dest, --backup-dir): whatever a client sends, the
// daemon links and sets aside only inside the module. A `..` path is PATH_ESCAPE and ends the
// session (a hostile peer); a path through a symlinked directory leading out of the module fails
// that step with PATH_ESCAPE; a pull session may not take snapshot steps (READ_ONLY). Nothing
// outside the module changes, and nothing inside is linked to a file outside it.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { openSession } from "../harness/session-client.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? `${e.code}: ${e.message}` : String(e)));

test("the daemon keeps every snapshot step inside the module", async () => {
  using dir = makeTempDir("snapshot-containment");
  writeTree(dir.path, { "m/keep.txt": "k", "outside/secret.txt": "s" });
  symlinkSync("../outside", join(dir.path, "m/out"));
  await using daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  const outside = () => readdirSync(join(dir.path, "outside")).sort();
  const secretLinks = () => statSync(join(dir.path, "outside/secret.txt")).nlink;
  {
    await using session = await openSession(daemon, "m", "push");
    const steps = [
      { how: "link", from: "out/secret.txt", to: "stolen.txt" },
      { how: "keep-aside", from: "keep.txt", to: "out/planted.txt" },
      { how: "move-aside", from: "out/secret.txt", to: "grabbed.txt" },
    ] as const;
    const results = await session.store.snapshot(steps);
    expect(results.map((r) => r.error?.code)).toEqual(["PATH_ESCAPE", "PATH_ESCAPE", "PATH_ESCAPE"]);
    expect(await codeOf(session.store.snapshot([{ how: "link", from: "../outside/secret.txt", to: "x.txt" }]))).toMatch(/^PATH_ESCAPE/);
    expect(await codeOf(session.store.stat("keep.txt"))).toMatch(/^PATH_ESCAPE/);
  }
  expect(outside()).toEqual(["secret.txt"]);
  expect(secretLinks()).toBe(1);
  expect(readdirSync(join(dir.path, "m")).sort()).toEqual(["keep.txt", "out"]);
  {
    await using pull = await openSession(daemon, "m", "pull");
    expect(await codeOf(pull.store.snapshot([{ how: "keep-aside", from: "keep.txt", to: "bk/keep.txt" }]))).toMatch(/^READ_ONLY/);
  }
  expect(existsSync(join(dir.path, "m/bk"))).toBe(false);
  // Inside the module the same steps work.
  await using ok = await openSession(daemon, "m", "push");
  const done = await ok.store.snapshot([{ how: "keep-aside", from: "keep.txt", to: "bk/keep.txt" }, { how: "link", from: "keep.txt", to: "again.txt" }]);
  expect(done.map((r) => r.error)).toEqual([undefined, undefined]);
  expect(statSync(join(dir.path, "m/keep.txt")).nlink).toBe(3);
}, 60_000);
