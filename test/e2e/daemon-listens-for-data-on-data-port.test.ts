// SPEC §5: `--data-port N` (or `data_port` in [daemon]) is where the TCP data plane listens, so a
// firewall or a container's EXPOSE can name it; the ready line says which, and a push's bytes go
// there (transport "tcp"). With `--port 0` and no data port, the data plane takes a free port.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

/** A port nobody listens on right now (the OS picked it for a listener we closed). */
function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

test.each([
  ["--data-port", (port: number) => ({ args: ["--data-port", String(port)] })],
  ["data_port in the config file", (port: number) => ({ config: `[daemon]\ndata_port = ${port}\n` })],
] as const)("%s: the ready line names that port and a push sends its bytes there", async (_how, options) => {
  using dir = makeTempDir("data-port");
  writeTree(dir.path, { "src/f.txt": "through the data port\n", "dst/.keep": "" });
  const port = freePort();
  const extra = options(port);
  await using daemon = await startDaemon("config" in extra ? { config: `${extra.config}root = ${JSON.stringify(`${dir.path}/dst`)}\n` } : { root: `${dir.path}/dst`, ...extra });
  expect(daemon.ready.data).toBe(`127.0.0.1:${port}`);
  const push = await runCli(["copy", `${dir.path}/src/`, `${daemon.control}://`, "--json"]);
  expectExit(push, 0);
  expect(push.json).toMatchObject({ transport: "tcp", files_transferred: 1 });
  expect(readFileSync(`${dir.path}/dst/f.txt`, "utf8")).toBe("through the data port\n");
}, 60_000);

test("with --port 0 and no data port the data plane takes a free port, named in the ready line", async () => {
  using dir = makeTempDir("data-port-free");
  await using daemon = await startDaemon({ root: dir.path });
  expect(String(daemon.ready.data)).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
  expect(daemon.ready.data).not.toBe("127.0.0.1:9032");
}, 60_000);
