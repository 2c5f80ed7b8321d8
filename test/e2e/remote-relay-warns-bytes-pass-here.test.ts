// SPEC §6 remote→remote: without delegation the CLI relays the bytes itself and prints one warning
// saying so; a push or a pull prints no such warning.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const WARNING = /passes through this machine/g;

test("a relayed remote→remote copy warns once that the bytes pass through here", async () => {
  using dir = makeTempDir("remote-relay-warning");
  for (const m of ["a", "b"]) mkdirSync(join(dir.path, m));
  writeTree(join(dir.path, "src"), { "x.txt": "x", "d/y.txt": "y" });
  await using daemon = await startDaemon({ modules: { a: { path: join(dir.path, "a") }, b: { path: join(dir.path, "b") } } });
  const push = await runCli(["copy", `${join(dir.path, "src")}/`, `${daemon.control}:/a/`]);
  expectExit(push, 0);
  expect(push.stderr.match(WARNING)).toBeNull();
  const relay = await runCli(["copy", `${daemon.control}:/a/`, `${daemon.control}:/b/`, "--json"]);
  expectExit(relay, 0);
  expect(relay.json).toMatchObject({ route: "remote", files_transferred: 2 });
  expect(relay.stderr.match(WARNING)?.length).toBe(1);
  expectTreesEqual(join(dir.path, "src"), join(dir.path, "b"), { metadata: true, ignoreRoot: true });
  const pull = await runCli(["copy", `${daemon.control}:/b/`, join(dir.path, "pulled")]);
  expectExit(pull, 0);
  expect(pull.stderr.match(WARNING)).toBeNull();
}, 60_000);
