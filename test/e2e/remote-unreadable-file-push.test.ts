// SPEC §3 exit 8 through a daemon: a push with one unreadable source file among many small ones
// (read in batches) fails that file alone; the others land byte-exact. Root reads any file, so the
// CLI runs as an unprivileged user on a tree handed over to it; the daemon runs as root.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";
import { handOver, UNPRIVILEGED } from "../harness/unprivileged.ts";

// Skipped only when no unprivileged user can be had; the reason is UNPRIVILEGED.reason.
describe.skipIf(!UNPRIVILEGED.ok)(`unreadable file pushed to a daemon (${UNPRIVILEGED.reason})`, () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  beforeAll(async () => {
    dir = makeTempDir("remote-unreadable");
    mkdirSync(join(dir.path, "m"));
    daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  }, 30_000);
  afterAll(async () => {
    await daemon.stop();
    dir[Symbol.dispose]();
  });

  test("exit 8, the unreadable file named, the 300 others landed", async () => {
    const src = join(dir.path, "src");
    const tree: Record<string, string> = { "secret.txt": "unreadable" };
    for (let i = 0; i < 300; i++) tree[`f${String(i).padStart(3, "0")}.txt`] = `file ${i}`;
    writeTree(src, tree);
    handOver(dir.path);
    chmodSync(join(src, "secret.txt"), 0o000);
    const r = await runCli(["copy", "--json", `${src}/`, `${daemon.control}:/m/dst/`], { asUser: UNPRIVILEGED.user });
    expectExit(r, 8);
    const failures = r.json?.failures as { path: string }[] | undefined;
    expect({ transferred: r.json?.files_transferred, failed: failures?.map((f) => f.path) }).toEqual({ transferred: 300, failed: ["secret.txt"] });
    expect(listTree(join(dir.path, "m/dst"))).not.toContain("secret.txt");
    chmodSync(join(src, "secret.txt"), 0o600);
    expectExit(await runCli(["copy", `${src}/`, `${daemon.control}:/m/dst/`]), 0);
    expectTreesEqual(src, join(dir.path, "m/dst"));
  }, 60_000);
});
