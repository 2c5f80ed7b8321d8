/**
 * Two daemons advertise on mDNS and `blit scan` / `blit-utils scan` list both with their modules;
 * a daemon with --no-mdns is not listed; SIGTERM sends the goodbye; nothing found is `[]`.
 * All of it inside a network namespace (the single outer test re-runs this file in one).
 */
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mdns from "multicast-dns";
import { startDaemon } from "../harness/daemon.ts";
import { collect, isGoodbye } from "../harness/mdns-listen.ts";
import { inNetnsSuite, insideTestNetns } from "../harness/netns.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { removeAtRunEnd } from "../harness/run-dirs.ts";

const dir = () => {
  const path = mkdtempSync(join(tmpdir(), "blit-scan-"));
  removeAtRunEnd(path);
  return path;
};
/** Each test starts daemons and listens for seconds: the daemon tests' budget. */
const DAEMON_TEST_MS = 30_000;
type Peer = { instance: string; port: number; modules: string[]; version: string; motd: boolean; addresses: string[] };
const scanJson = (stdout: string): Peer[] => JSON.parse(stdout) as Peer[];
const named = (peers: Peer[], prefix: string) => peers.filter((p) => p.instance.startsWith(prefix));

if (insideTestNetns()) {
  test("blit scan and blit-utils scan list two daemons with their modules; --no-mdns is not listed", async () => {
    const [one, two, quiet] = await Promise.all([
      startDaemon({ mdns: true, args: ["--mdns-name", "blit@one"], motd: "hi", modules: { photos: { path: dir() }, docs: { path: dir() } } }),
      startDaemon({ mdns: true, args: ["--mdns-name", "blit@two"], modules: { backup: { path: dir() } } }),
      startDaemon({ args: ["--mdns-name", "blit@quiet"], modules: { hidden: { path: dir() } } }),
    ]);
    await using _one = one;
    await using _two = two;
    await using _quiet = quiet;
    const [cli, utils] = await Promise.all([runCli(["scan", "--wait", "2", "--json"]), runUtils(["scan", "--wait", "2"])]);
    expectExit(cli, 0);
    const peers = scanJson(cli.stdout);
    expect(named(peers, "blit@one").map((p) => [p.port, p.modules, p.motd])).toEqual([[one.port, ["docs", "photos"], true]]);
    expect(named(peers, "blit@two").map((p) => [p.port, p.modules, p.motd])).toEqual([[two.port, ["backup"], false]]);
    expect(named(peers, "blit@quiet")).toEqual([]);
    expect(named(peers, "blit@one")[0]?.addresses).toContain("127.0.0.1");

    expectExit(utils, 0);
    expect(utils.stdout).toMatch(/^INSTANCE\s+HOST\s+PORT\s+ADDRESSES\s+VERSION\s+MODULES$/m);
    expect(utils.stdout).toMatch(new RegExp(`^blit@one.*\\s${one.port}\\s.*docs, photos$`, "m"));
    expect(utils.stdout).toMatch(new RegExp(`^blit@two.*\\s${two.port}\\s.*backup$`, "m"));
  }, DAEMON_TEST_MS);

  test("SIGTERM sends the mDNS goodbye", async () => {
    const daemon = await startDaemon({ mdns: true, args: ["--mdns-name", "blit@leaving"], modules: { m: { path: dir() } } });
    const raw = mdns();
    try {
      const seen = await collect(raw, (rs) => rs.some((r) => r.type === "SRV"), () => raw.query({ questions: [{ name: "_blit._tcp.local", type: "PTR" }] }));
      expect(seen.some((r) => r.type === "PTR" && String(r.data).startsWith("blit@leaving"))).toBe(true);
      const bye = await collect(raw, (rs) => rs.some(isGoodbye("blit@leaving")), () => void daemon.stop());
      expect(bye.some(isGoodbye("blit@leaving"))).toBe(true);
    } finally {
      raw.destroy();
      expect(await daemon.stop()).toBe(0);
    }
    expect(daemon.stderr()).toContain("goodbye sent");
  }, DAEMON_TEST_MS);

  test("nothing answering: --json prints [] and the table says so", async () => {
    const json = await runCli(["scan", "--wait", "0.5", "--json"]);
    expectExit(json, 0);
    expect(JSON.parse(json.stdout)).toEqual([]);
    const text = await runUtils(["scan", "--wait", "0.5"]);
    expectExit(text, 0);
    expect(text.stdout).toContain("no blit daemon answered within 0.5 s");
  }, DAEMON_TEST_MS);

  test("a daemon whose interface list names no real interface warns and serves on", async () => {
    await using daemon = await startDaemon({ mdns: true, config: '[daemon]\nmdns_interfaces = ["nosuch0"]\nroot = "/tmp"\n' });
    const list = await runCli(["list", `127.0.0.1:${daemon.port}`, "--json"]);
    expectExit(list, 0);
    for (let i = 0; i < 120 && !daemon.stderr().includes("mDNS: not advertised"); i++) await Bun.sleep(25);
    expect(daemon.stderr()).toContain("no network interface named nosuch0");
  }, DAEMON_TEST_MS);
} else {
  inNetnsSuite(import.meta.path, "daemons advertise and scan lists them");

  test("a bad --wait is a usage error naming the flag (exit 2), before any network use", async () => {
    const r = await runCli(["scan", "--wait", "soon"]);
    expectExit(r, 2);
    expect(r.stderr).toContain("invalid --wait 'soon'");
    const u = await runUtils(["scan", "--wait", "0"]);
    expectExit(u, 2);
    expect(u.stderr).toContain("--wait");
  });
}
