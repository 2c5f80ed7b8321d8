// SPEC §6: when the data port cannot be reached but the control port can, both sides carry the
// bytes inside gRPC; the CLI warns once and the summary says transport "grpc" with the reason.
// The data port is made unreachable by giving the daemon a control address the client reaches
// through a TCP relay that forwards the control port only.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Socket, TCPSocketListener } from "bun";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let daemon: RunningDaemon;
let relay: TCPSocketListener<Relay>;

interface Relay {
  peer: Socket | null;
}

beforeAll(async () => {
  dir = makeTempDir("fallback");
  mkdirSync(join(dir.path, "m"));
  writeTree(join(dir.path, "src"), { "a.txt": "a", "d/b.txt": "bb" });
  daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  // 127.0.0.2 reaches only this relay (control port); the data port is bound to 127.0.0.1.
  relay = Bun.listen<Relay>({
    hostname: "127.0.0.2",
    port: daemon.port,
    socket: {
      async open(s) {
        s.data = { peer: null };
        s.data.peer = await Bun.connect({
          hostname: "127.0.0.1",
          port: daemon.port,
          socket: {
            data: (_p, d) => void s.write(d),
            close: () => {
              s.end();
            },
          },
        });
      },
      data: (s, d) => void s.data.peer?.write(d),
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
