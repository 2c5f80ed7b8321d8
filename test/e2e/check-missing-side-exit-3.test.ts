// SPEC §3 exit codes: `blit check` with a side that does not exist — source or destination, a tree
// or a single file, local or on a daemon — is exit 3 ("not found") naming it, never 1 (differences).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test.concurrent.each([
  ["a missing destination tree", (d: string) => [join(d, "a/"), join(d, "missing/")], "missing"],
  ["a missing source tree", (d: string) => [join(d, "missing/"), join(d, "a/")], "missing"],
  ["a missing destination file", (d: string) => [join(d, "a/f"), join(d, "nofile")], "nofile"],
])("%s: exit 3 naming it", async (_label, args, named) => {
  using tmp = makeTempDir("check-missing");
  writeTree(tmp.path, { "a/f": "x" });
  const r = await runCli(["check", ...args(tmp.path)]);
  expectExit(r, 3);
  expect(r.stderr).toContain(named);
});

test("a missing destination on a daemon: exit 3 naming it", async () => {
  using tmp = makeTempDir("check-missing-remote");
  writeTree(tmp.path, { "a/f": "x", m: { dir: true } });
  await using daemon = await startDaemon({ modules: { m: { path: join(tmp.path, "m") } } });
  const r = await runCli(["check", join(tmp.path, "a/"), `${daemon.control}:/m/missing/`]);
  expectExit(r, 3);
  expect(r.stderr).toContain("missing");
}, 30_000);
