// SPEC §6 data-plane rules: during a real push, a connection to the data port presenting a bad
// token and one sending garbage are closed by the daemon, and the push still lands byte-exact.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { encodeHello } from "../../src/domain/wire/frame.ts";
import { startDaemon } from "../harness/daemon.ts";
import { listeningPorts } from "../harness/process-probe.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test("a bad token and garbage on the data port are closed; the push beside them is byte-exact", async () => {
  using dir = makeTempDir("remote-bad-data");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  const files: Record<string, Uint8Array | string> = { "big.bin": randomBytes(32 << 20) };
  for (let i = 0; i < 200; i++) files[`small/f${i}.txt`] = `small file ${i}\n`;
  writeTree(src, files);
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const [dataPort] = listeningPorts(daemon.pid).filter((p) => p !== daemon.port);
  expect(dataPort).toBeDefined();
  const push = runCli(["copy", `${src}/`, `${daemon.control}:/m/`, "--json"]);
  const intruders = await Promise.all([
    intrude(dataPort!, encodeHello(randomBytes(32))),
    intrude(dataPort!, new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
    intrude(dataPort!, randomBytes(4096)),
  ]);
  const r = await push;
  expectExit(r, 0);
  expect(r.json).toMatchObject({ transport: "tcp", files_transferred: 201, outcome: "success" });
  expectTreesEqual(src, mod);
  // The daemon answered none of them with GO (0x02) and closed each.
  for (const answer of intruders) expect(answer.includes(0x02) && answer.length === 1).toBe(false);
}, 60_000);

/** Connects, sends `bytes`, and returns what came back before the daemon closed the connection. */
async function intrude(port: number, bytes: Uint8Array): Promise<number[]> {
  const got: number[] = [];
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: { data: (_s, chunk) => void got.push(...chunk), close: () => resolve(), error: () => resolve(), end: () => resolve() },
  });
  socket.write(bytes);
  await closed;
  return got;
}
