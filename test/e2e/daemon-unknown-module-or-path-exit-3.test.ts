// SPEC §7: an unknown module or a missing remote path is exit 3; a daemon nobody listens for is
// exit 6 with a message naming host and port.
import { expect, test } from "bun:test";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("unknown module, missing path: exit 3; stopped daemon: exit 6 naming host:port", async () => {
  using dir = makeTempDir("missing");
  const daemon = await startDaemon({ modules: { m: { path: dir.path } } });
  for (const args of [["ls", `${daemon.control}:/nope/`], ["ls", `${daemon.control}:/m/missing`], ["find", `${daemon.control}:/m/missing/`], ["du", `${daemon.control}://`]]) {
    expectExit(await runUtils(args), 3);
  }
  expect(await daemon.stop()).toBe(0);
  const gone = await runUtils(["ls", `${daemon.control}:/m/`]);
  expectExit(gone, 6);
  expect(gone.stderr).toContain(daemon.control);
  const list = await runCli(["list", daemon.control]);
  expectExit(list, 6);
  expect(list.stderr).toContain(daemon.control);
}, 60_000);
