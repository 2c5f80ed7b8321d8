// SPEC §5 hostile peers: 550 Push calls from one address that open and then go silent (half send no
// SessionHeader, half send one and then no request) do not lock out a client at another address: its
// push and pull land byte-exact during the attack. Calls past the per-connection and per-address caps
// are refused as busy at once (and logged); the silent ones are ended by the daemon's timeouts; its
// memory and descriptors go back near where they were.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { toWireHeader } from "../../src/adapters/grpc/session-mapping.ts";
import { DAEMON_LIMITS } from "../../src/domain/daemon-limits.ts";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil } from "../harness/process-probe.ts";
import { connectFrom, rawCall, type RawCall } from "../harness/raw-grpc.ts";
import { clientTree, servedByteExact, usage } from "../harness/served-during-attack.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const ATTACKER = "127.0.0.2";
/** gRPC status UNAVAILABLE: how the daemon says "busy, try again". */
const UNAVAILABLE = 14;

test("one address holding 550 silent Push calls cannot lock out another client", async () => {
  using dir = makeTempDir("silent-calls");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  clientTree(src);
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  await servedByteExact(daemon.control, src, dir.path, "warm-up");
  const before = usage(daemon.pid);

  // One connection with more calls than a connection may hold, then eight more from the same address.
  const perConnection = [70, ...Array<number>(8).fill(60)];
  const sessions = await Promise.all(perConnection.map(() => connectFrom(ATTACKER, daemon.port)));
  const calls: RawCall[] = [];
  const ended: { status: number; message: string }[] = [];
  const open = (k: number): void => {
    for (let i = 0; i < perConnection[k]!; i++) {
      const call = rawCall(sessions[k]!, "Push");
      if (i % 2 === 0) call.send(toWireHeader({ role: "push", root: { module: "m", path: "" }, move: false, forceGrpcData: false }));
      void call.ended.then((e) => ended.push(e));
      calls.push(call);
    }
  };
  try {
    const busy = () => ended.filter((e) => e.status === UNAVAILABLE && e.message.includes("busy")).length;
    const admitted = DAEMON_LIMITS.maxCallsPerAddress;
    // The first connection alone goes past the per-connection cap (before the others fill the address's share).
    open(0);
    await pollUntil(() => (busy() >= perConnection[0]! - DAEMON_LIMITS.maxCallsPerConnection ? true : undefined), () => `calls past the connection's cap refused (${busy()} so far)`, 60_000);
    for (let k = 1; k < sessions.length; k++) open(k);
    await pollUntil(() => (busy() >= calls.length - admitted ? true : undefined), () => `calls past the caps refused (${busy()} so far)`, 60_000);
    expect(ended.some((e) => e.message.includes(`${DAEMON_LIMITS.maxCallsPerConnection} calls on this connection in flight`))).toBe(true);
    expect(ended.some((e) => e.message.includes(`${admitted} calls from your address in flight`))).toBe(true);

    await servedByteExact(daemon.control, src, dir.path, "during");

    // The silent calls are ended by the daemon: no SessionHeader, or no request after it.
    await pollUntil(() => (ended.length === calls.length ? true : undefined), () => `every silent call ended (${ended.length}/${calls.length})`, 90_000);
    const timedOut = ended.filter((e) => /no session header within|sent no request for/.test(e.message));
    expect(timedOut.length).toBe(calls.length - busy());
  } finally {
    for (const c of calls) c.cancel();
    for (const s of sessions) s.destroy();
  }
  expect(daemon.stderr()).toContain(`Push from ${ATTACKER} refused: ${DAEMON_LIMITS.maxCallsPerAddress} calls from your address in flight`);
  expect(daemon.stderr()).toContain("the session sent no request for");
  expect(daemon.stderr()).toContain(`Push from ${ATTACKER} ended: no session header within`);
  await servedByteExact(daemon.control, src, dir.path, "after");
  const after = await pollUntil(() => {
    const u = usage(daemon.pid);
    return u.fds <= before.fds + 4 && u.rssKiB <= before.rssKiB + 64 * 1024 ? u : undefined;
  }, () => `RSS and descriptors near ${JSON.stringify(before)}: ${JSON.stringify(usage(daemon.pid))}`, 30_000);
  expect(after.fds).toBeLessThanOrEqual(before.fds + 4);
}, 240_000);
