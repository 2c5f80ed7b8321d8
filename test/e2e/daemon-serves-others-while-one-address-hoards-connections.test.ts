// SPEC §5 hostile peers: 1,100 control connections from one address that never send a byte, HTTP/2
// sessions that never open a call, and data-port connections that never present a token do not lock
// out a client at another address: its push and pull land byte-exact during the attack. The daemon
// closes the excess connections at once and the silent ones after its first-call timeout, logs it,
// and its memory and descriptors go back near where they were.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DAEMON_LIMITS } from "../../src/domain/daemon-limits.ts";
import { startDaemon } from "../harness/daemon.ts";
import { listeningPorts, pollUntil } from "../harness/process-probe.ts";
import { connectFrom, silentSockets } from "../harness/raw-grpc.ts";
import { clientTree, servedByteExact, usage } from "../harness/served-during-attack.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const ATTACKER = "127.0.0.2";

test("one address holding 1,100 silent connections cannot lock out another client", async () => {
  using dir = makeTempDir("hoarded-connections");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  clientTree(src);
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const [dataPort] = listeningPorts(daemon.pid).filter((p) => p !== daemon.port);
  await servedByteExact(daemon.control, src, dir.path, "warm-up");
  const before = usage(daemon.pid);

  const control = await silentSockets(ATTACKER, daemon.port, 1100);
  const sessions = await Promise.allSettled(Array.from({ length: 20 }, () => connectFrom(ATTACKER, daemon.port)));
  const data = await silentSockets(ATTACKER, dataPort!, 300);
  try {
    // More than the address may hold are closed at once: the session cap is not filled by it.
    await pollUntil(() => (control.closed() >= 1100 - DAEMON_LIMITS.maxConnectionsPerAddress ? true : undefined), () => `excess connections closed (${control.closed()} so far)`, 30_000);
    await servedByteExact(daemon.control, src, dir.path, "during");
    // The silent ones are closed after the first-call timeout: every connection of the attack ends.
    await pollUntil(() => (control.closed() === 1100 && data.closed() === 300 ? true : undefined), () => `all silent connections closed (${control.closed()}/1100 control, ${data.closed()}/300 data)`, 60_000);
    const open = sessions.filter((s) => s.status === "fulfilled").map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof connectFrom>>>).value);
    await pollUntil(() => (open.every((s) => s.closed || s.destroyed) ? true : undefined), "the call-less HTTP/2 sessions closed", 60_000);
  } finally {
    control.destroy();
    data.destroy();
  }
  expect(daemon.stderr()).toContain(`connection from ${ATTACKER} closed: ${DAEMON_LIMITS.maxConnectionsPerAddress} connections from this address are open`);
  expect(daemon.stderr()).toContain(`connection from ${ATTACKER} closed: no call within`);
  expect(daemon.stderr()).toContain(`data connection from ${ATTACKER} closed: ${DAEMON_LIMITS.maxPendingDataConnectionsPerAddress} connections from this address have not presented a token yet`);
  await servedByteExact(daemon.control, src, dir.path, "after");
  const after = await pollUntil(() => {
    const u = usage(daemon.pid);
    return u.fds <= before.fds + 4 && u.rssKiB <= before.rssKiB + 64 * 1024 ? u : undefined;
  }, () => `RSS and descriptors near ${JSON.stringify(before)}: ${JSON.stringify(usage(daemon.pid))}`, 30_000);
  expect(after.fds).toBeLessThanOrEqual(before.fds + 4);
}, 180_000);
