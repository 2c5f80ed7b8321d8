// SPEC §3 "Atomic writes" and §5: kill -9 of the daemon in the middle of a push leaves no torn file
// under a final name; the client fails retryably (exit 7); after a restart on the same module a
// re-run converges byte-exact, and the killed daemon's temporary is gone (nobody holds its lock).
import { expect, test } from "bun:test";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pushInFlight, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const SIZE = 96 << 20; // allocated zeros at the source, written for real at the destination

test("kill -9 of the daemon mid-push: no torn file, a re-run after restart converges", async () => {
  using dir = makeTempDir("remote-daemon-kill");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  bigTree(src, SIZE);
  const first = await startDaemon({ modules: { m: { path: mod } } });
  const push = await pushInFlight(src, `${first.control}:/m/`, mod);
  expect(await first.stop("SIGKILL")).not.toBe(0);
  expect(await push.exited).toBe(7);
  // Whatever landed under a final name is complete; the big file is there whole or not at all.
  const names = readdirSync(mod).filter((n) => !n.startsWith(".blit-tmp-"));
  if (names.includes("big.bin")) expect(statSync(join(mod, "big.bin")).size).toBe(SIZE);
  await using second = await startDaemon({ modules: { m: { path: mod } } });
  const again = await runCli(["copy", `${src}/`, `${second.control}:/m/`]);
  expectExit(again, 0);
  expectTreesEqual(src, mod, { metadata: true, ignoreRoot: true });
  expect(temporariesUnder(mod)).toEqual([]);
}, 90_000);

test("a dead writer's temporary in a module goes when a push next writes into its directory", async () => {
  using dir = makeTempDir("remote-daemon-kill-tmp");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  writeTree(join(dir.path, "src"), { "a.txt": "a" });
  writeTree(mod, { ".blit-tmp-zzzzzz.1-a.txt": "torn" });
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  expectExit(await runCli(["copy", `${join(dir.path, "src")}/`, `${daemon.control}:/m/`]), 0);
  expect(temporariesUnder(mod)).toEqual([]);
}, 30_000);
