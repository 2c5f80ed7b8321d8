// A `blit` running as root that pulls from a daemon keeps the owners, groups and set-id bits the
// daemon lists, as rsync -a does as root (numeric ids): the daemon's rule for what clients send
// (keep_owners) is not the client's rule for what it fetches.
import { lstatSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test.skipIf(process.geteuid?.() !== 0)("a root pull keeps the owners and set-id bits of the daemon's files", async () => {
  using top = makeTempDir("root-pull");
  const mod = join(top.path, "mod");
  writeTree(mod, {
    "suid-root": { content: "#!/bin/sh\n", mode: 0o4755, uid: 0, gid: 0 },
    "theirs": { content: "t", mode: 0o2640, uid: 1234, gid: 5678 },
  });
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const dst = join(top.path, "dst");
  expectExit(await runCli(["copy", `${daemon.control}:/m/`, `${dst}/`]), 0);
  const owned = (name: string) => {
    const st = lstatSync(join(dst, name));
    return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  };
  expect(owned("suid-root")).toEqual({ mode: 0o4755, uid: 0, gid: 0 });
  expect(owned("theirs")).toEqual({ mode: 0o2640, uid: 1234, gid: 5678 });
});
