// SPEC §5 "keeps serving through any single bad client": kill -9 of the client in the middle of a
// push ends only that session; the daemon keeps serving and a re-run converges byte-exact.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil, pushInFlight, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("kill -9 of the client mid-push: the daemon keeps serving, a re-run converges", async () => {
  using dir = makeTempDir("remote-client-kill");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  bigTree(src, 96 << 20);
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const push = await pushInFlight(src, `${daemon.control}:/m/`, mod);
  push.kill("SIGKILL");
  await push.exited;
  // The daemon drops the session's temporary once it sees the session gone.
  await pollUntil(() => (temporariesUnder(mod).length === 0 ? true : undefined), "the dead session's temporary to go", 20_000);
  const again = await runCli(["copy", `${src}/`, `${daemon.control}:/m/`, "--json"]);
  expectExit(again, 0);
  expectTreesEqual(src, mod, { metadata: true, ignoreRoot: true });
  expect(temporariesUnder(mod)).toEqual([]);
  expect(await daemon.stop()).toBe(0);
}, 60_000);
