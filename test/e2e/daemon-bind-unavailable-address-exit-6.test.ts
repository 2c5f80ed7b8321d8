// SPEC §5 / §3 exit codes: a daemon that cannot listen — an address this machine does not have, a
// port already taken — exits 6 with one line naming the address and what to do, no stack trace.
import { expect, test } from "bun:test";
import { networkInterfaces } from "node:os";
import { DAEMON } from "../harness/daemon.ts";
import { expectExit, runProgram } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

/** TEST-NET-1 (RFC 5737): documentation space, never configured on a real interface. */
const FOREIGN = "192.0.2.77";

function expectOneLine(stderr: string, ...parts: string[]): void {
  expect(stderr).not.toMatch(/internal error|^\s+at /m);
  const lines = stderr.split("\n").filter((l) => l.startsWith("blit-daemon: ") || l.startsWith("E "));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("blit-daemon: cannot listen on ");
  for (const p of parts) expect(lines[0]).toContain(p);
}

test.concurrent("--bind an address the machine does not have: exit 6", async () => {
  const local = Object.values(networkInterfaces()).flat().map((i) => i?.address);
  expect(local).not.toContain(FOREIGN);
  using dir = makeTempDir("bind");
  const r = await runProgram(DAEMON, ["--bind", FOREIGN, "--port", "0", "--no-mdns", "--root", dir.path]);
  expectExit(r, 6);
  expect(r.stdout).toBe("");
  expectOneLine(r.stderr, FOREIGN, "this machine has no such address");
}, 20_000);

test.concurrent("--port already taken: exit 6", async () => {
  using dir = makeTempDir("bind");
  const taken = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    const r = await runProgram(DAEMON, ["--bind", "127.0.0.1", "--port", String(taken.port), "--no-mdns", "--root", dir.path]);
    expectExit(r, 6);
    expect(r.stdout).toBe("");
    expectOneLine(r.stderr, `127.0.0.1:${taken.port}`, "already in use");
  } finally {
    taken.stop(true);
  }
}, 20_000);
