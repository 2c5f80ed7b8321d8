// SPEC §6: when the data port cannot be reached but the control port can, both sides carry the
// bytes inside gRPC; the CLI warns once and the summary says transport "grpc" with the reason.
// The data port is made unreachable by giving the daemon a control address the client reaches
// through a TCP relay that forwards the control port only.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Socket, TCPSocketListener } from "bun";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { recordKnownHost, startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let daemon: RunningDaemon;
let relay: TCPSocketListener<Relay>;

interface Relay {
  peer: Socket | null;
  /** Bytes from the client that arrived before the connection to the daemon was up. */
  early: Uint8Array[];
}

/** Writes all of `bytes` (Bun's socket.write may take only part; the rest waits for drain). */
function forward(to: Socket<unknown>, pending: Uint8Array[], bytes: Uint8Array): void {
  if (pending.length > 0) return void pending.push(bytes);
  const n = to.write(bytes);
  if (n < bytes.length) pending.push(bytes.subarray(Math.max(0, n)));
}

function drain(to: Socket<unknown>, pending: Uint8Array[]): void {
  while (pending.length > 0) {
    const head = pending[0]!;
    const n = to.write(head);
    if (n < head.length) return void (pending[0] = head.subarray(Math.max(0, n)));
    pending.shift();
  }
}

beforeAll(async () => {
  dir = makeTempDir("fallback");
  mkdirSync(join(dir.path, "m"));
  writeTree(join(dir.path, "src"), { "a.txt": "a", "d/b.txt": "bb" });
  daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  // The client names the daemon 127.0.0.2 (through the relay): the same certificate under that name.
  recordKnownHost(`127.0.0.2:${daemon.port}`, String(daemon.tls?.fingerprint));
  // 127.0.0.2 reaches only this relay (control port); the data port is bound to 127.0.0.1.
  relay = Bun.listen<Relay>({
    hostname: "127.0.0.2",
    port: daemon.port,
    socket: {
      async open(s) {
        s.data = { peer: null, early: [] };
        const toClient: Uint8Array[] = [];
        const toDaemon: Uint8Array[] = [];
        const peer = await Bun.connect({
          hostname: "127.0.0.1",
          port: daemon.port,
          socket: {
            data: (_p, d) => forward(s, toClient, d),
            drain: (p) => drain(p, toDaemon),
            close: () => {
              s.end();
            },
          },
        });
        s.data.peer = peer;
        s.data.early.splice(0).forEach((d) => forward(peer, toDaemon, d));
        s.data.early = toDaemon;
        Object.assign(s.data, { toClient });
      },
      data: (s, d) => {
        if (s.data.peer === null) s.data.early.push(d.slice());
        else forward(s.data.peer, s.data.early, d);
      },
      drain: (s) => drain(s, (s.data as Relay & { toClient?: Uint8Array[] }).toClient ?? []),
      close: (s) => {
        s.data.peer?.end();
      },
    },
  });
}, 30_000);
afterAll(async () => {
  relay.stop(true);
  await daemon.stop();
  dir[Symbol.dispose]();
});

test("push and pull fall back to gRPC data when only the control port is reachable", async () => {
  const remote = `127.0.0.2:${daemon.port}:/m/`;
  const push = await runCli(["copy", `${join(dir.path, "src")}/`, remote, "--json"]);
  expectExit(push, 0);
  expect(push.json).toMatchObject({ transport: "grpc", files_transferred: 2 });
  expect(String(push.json?.fallback_reason)).toContain("unreachable");
  expect(push.stderr.match(/gRPC/g)?.length).toBe(1);
  expectTreesEqual(join(dir.path, "src"), join(dir.path, "m"));
}, 60_000);
