// SPEC §4: a slow but live link is not a frozen peer. A push over loopback throttled to 24 Mbit/s
// (tc tbf, in a network namespace of its own; the burst exceeds loopback's 64 KiB MTU) runs longer than the stall window and still lands
// byte-exact with exit 0: keepalive pings are answered, bytes keep moving.
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { createNetns, netnsUnavailableReason } from "../harness/netns.ts";
import { BLIT, REPO_ROOT } from "../harness/run-cli.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { makeTempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

/** SPEC §4 stall window: the transfer must outlast it. */
const WINDOW_MS = 30_000;
const RATE = "24mbit";
const BYTES = 112 << 20; // ~39 s at 24 Mbit/s

const reason = netnsUnavailableReason();

test.skipIf(reason !== null)(`a push slower than the stall window over a ${RATE} link exits 0${reason === null ? "" : ` (skipped: ${reason})`}`, async () => {
  await using ns = createNetns();
  const tc = Bun.spawnSync(["ip", "netns", "exec", ns.name, "tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", RATE, "burst", "256kb", "latency", "200ms"], { stderr: "pipe" });
  if (tc.exitCode !== 0) throw new Error(`tc failed: ${tc.stderr.toString()}`);
  using dir = makeTempDir("slow-link");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(src);
  mkdirSync(mod);
  writeFileSync(join(src, "big.bin"), randomBytes(BYTES));
  await using daemon = await startDaemon({ modules: { m: { path: mod } }, launch: (argv) => ns.exec(argv) });
  const t0 = performance.now();
  const run = Bun.spawn(ns.exec([BLIT, "copy", `${src}/`, `${daemon.control}:/m/`]), { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(run.stderr).text(), run.exited]);
  const took = performance.now() - t0;
  expect({ code, stderr, slowerThanTheWindow: took > WINDOW_MS }).toEqual({ code: 0, stderr: "", slowerThanTheWindow: true });
  expectTreesEqual(src, mod, { ignoreRoot: true });
}, 150_000);
