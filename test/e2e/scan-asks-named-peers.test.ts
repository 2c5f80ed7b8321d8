// SPEC §7 discovery without multicast: `--peers HOST[:PORT],…` asks named daemons directly (the
// static Discovery adapter); `--no-mdns` keeps scan off the network's multicast (no mDNS here:
// the main namespace must never multicast). A peer that does not answer is a warning, not a failure.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("blit-utils scan and blit scan list named daemons with their modules", async () => {
  using dir = makeTempDir("scan-peers");
  mkdirSync(join(dir.path, "a"));
  mkdirSync(join(dir.path, "b"));
  await using daemon = await startDaemon({ modules: { alpha: { path: join(dir.path, "a") }, beta: { path: join(dir.path, "b") } } });
  const utils = await runUtils(["scan", "--no-mdns", "--peers", `${daemon.control},127.0.0.1:1`, "--json"]);
  expectExit(utils, 0);
  const peers = JSON.parse(utils.stdout) as { host: string; port: number; modules: string[] }[];
  expect(peers.map((p) => [p.host, p.port, p.modules])).toEqual([["127.0.0.1", daemon.port, ["alpha", "beta"]]]);
  expect(utils.stderr).toContain("127.0.0.1:1 did not answer");
  const cli = await runCli(["scan", "--no-mdns", "--peers", daemon.control]);
  expectExit(cli, 0);
  expect(cli.stdout).toContain("alpha, beta");
}, 30_000);

test("a bad peer address is a usage error (exit 2) naming it", async () => {
  const r = await runUtils(["scan", "--no-mdns", "--peers", "host:99999"]);
  expectExit(r, 2);
  expect(r.stderr).toContain("host:99999");
});

test("--no-mdns without --peers is a usage error (exit 2) that says what to add", async () => {
  const r = await runUtils(["scan", "--no-mdns"]);
  expectExit(r, 2);
  expect(r.stderr).toContain("--peers");
});
