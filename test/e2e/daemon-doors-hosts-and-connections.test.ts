// SPEC §5, §9: hosts_allow / hosts_deny refuse a client before any work on the control port (a
// clear status, exit 4) and on the data port (closed at once); max_connections refuses the
// connection over the cap with a clear status. The daemon serves on after each refusal.
// (--data-port and data_port: daemon-listens-for-data-on-data-port.test.ts.)
import { connect } from "node:net";
import { expect, test } from "bun:test";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";
import { pollUntil } from "../harness/process-probe.ts";

const dataPortOf = (ready: Record<string, unknown>): number => Number(String(ready.data).split(":").at(-1));

/** Resolves once the server closed a connection that sent nothing (true), or false when it stayed open for `ms`. */
function closedUnprompted(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => (s.destroy(), resolve(false)), ms);
    s.on("close", () => (clearTimeout(timer), resolve(true)));
    s.on("error", () => {});
  });
}

test.concurrent.each([
  ["hosts_deny names the client", { hosts_deny: ["127.0.0.1"] }],
  ["hosts_deny names its network", { hosts_deny: ["127.0.0.0/8", "::1"] }],
  ["hosts_allow does not name it", { hosts_allow: ["10.0.0.0/8", "fd00::/8"] }],
])("%s: refused on the control and data ports", async (_name, keys) => {
  using mod = makeTempDir("hosts");
  await using daemon = await startDaemon({ modules: { m: { path: mod.path } }, daemonKeys: keys });
  const r = await runCli(["list", daemon.control]);
  expectExit(r, 4);
  expect(r.stderr).toContain("does not accept connections from 127.0.0.1");
  expect(await closedUnprompted(dataPortOf(daemon.ready), 4_000)).toBe(true);
  await pollUntil(() => (/data connection from 127\.0\.0\.1 refused/.test(daemon.stderr()) ? true : undefined), "the data refusal in the log", 10_000);
  expect(daemon.stderr()).toMatch(/connection from 127\.0\.0\.1 refused: (hosts_deny entry|not in hosts_allow)/);
  expectExit(await runCli(["list", daemon.control]), 4);
}, 30_000);

test("hosts_allow naming the client lets it in", async () => {
  using mod = makeTempDir("hosts-ok");
  await using daemon = await startDaemon({ modules: { m: { path: mod.path } }, daemonKeys: { hosts_allow: ["127.0.0.0/8"] } });
  expectExit(await runCli(["list", daemon.control]), 0);
  expect(await closedUnprompted(dataPortOf(daemon.ready), 1_000)).toBe(false);
}, 30_000);

test("max_connections: the connection over the cap gets a clear status; the daemon serves on", async () => {
  using mod = makeTempDir("maxconn");
  await using daemon = await startDaemon({ modules: { m: { path: mod.path } }, daemonKeys: { max_connections: 1 } });
  const holder = connect({ host: "127.0.0.1", port: daemon.port });
  holder.on("error", () => {});
  await new Promise((r) => holder.once("connect", r));
  const r = await runCli(["list", daemon.control]);
  holder.destroy();
  expectExit(r, 6);
  expect(r.stderr).toContain("max_connections");
  expect(daemon.stderr()).toMatch(/connection from 127\.0\.0\.1 refused: max_connections \(1\)/);
  await pollUntil(async () => ((await runCli(["list", daemon.control])).exitCode === 0 ? true : undefined), "a served list once the holder left", 20_000);
}, 40_000);
