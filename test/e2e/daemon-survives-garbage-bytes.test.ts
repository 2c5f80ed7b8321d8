// SPEC §5/§9: bytes that are not HTTP/2 on the control port close that connection only; the
// daemon keeps serving.
import { expect, test } from "bun:test";
import { connect } from "node:net";
import { GrpcControlClient, PROTOCOL_VERSION } from "../../src/adapters/grpc/index.ts";
import { startDaemon } from "../harness/daemon.ts";

/** Writes `bytes` to the port and resolves when the daemon closes the connection (bounded). */
function sendAndAwaitClose(port: number, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("the daemon did not close a garbage connection within 10 s"));
    }, 10_000);
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve("closed");
    });
  });
}

test("garbage, HTTP/1 and a truncated HTTP/2 preface are dropped; the daemon still answers", async () => {
  await using daemon = await startDaemon();
  const random = new Uint8Array(64 * 1024);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const inputs = [random, new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\xff\xff")];
  expect(await Promise.all(inputs.map((bytes) => sendAndAwaitClose(daemon.port, bytes)))).toEqual(["closed", "closed", "closed"]);
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  expect((await client.ping()).protocolVersion).toBe(PROTOCOL_VERSION);
}, 30_000);
