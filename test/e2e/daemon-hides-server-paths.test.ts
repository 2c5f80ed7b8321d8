// SPEC §5: no reply or error message of the daemon reveals a server-side absolute path.
import { expect, test } from "bun:test";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test("replies and errors name module paths, never the server's", async () => {
  using dir = makeTempDir("hide");
  writeTree(dir.path, { "m/a.txt": "a", "m/locked/x.txt": "x", "m/d/e.txt": "e" });
  chmodSync(join(dir.path, "m/locked"), 0o000);
  try {
    await using daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m"), comment: "c" } }, root: join(dir.path, "m") });
    const m = `${daemon.control}:/m/`;
    const runs = await Promise.all([
      runCli(["list", daemon.control, "--json"]),
      runUtils(["ls", m, "--json"]),
      runUtils(["ls", `${m}missing/deeper`]),
      runUtils(["ls", `${m}locked/`]),
      runUtils(["ls", `${daemon.control}://missing`]),
      runUtils(["find", m, "--json"]),
      runUtils(["du", m, "--json"]),
      runUtils(["df", m, "--json"]),
      runUtils(["rm", `${m}missing`, "--yes"]),
      runUtils(["rm", `${m}a.txt/child`, "--yes"]),
      runUtils(["ls", `${daemon.control}:/nope/`]),
    ]);
    for (const r of runs) {
      expect({ args: r.args, leaked: (r.stdout + r.stderr).includes(dir.path) }).toEqual({ args: r.args, leaked: false });
    }
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 3, process.getuid?.() === 0 ? 0 : 4, 3, 0, 0, 0, 3, 3, 3]);
  } finally {
    chmodSync(join(dir.path, "m/locked"), 0o755);
  }
}, 60_000);
