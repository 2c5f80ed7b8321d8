// SPEC §5: many idle connections from one address — raw TCP that never speaks, and HTTP/2 sessions
// that never call — do not stop the daemon from serving clients at other addresses.
import { expect, test } from "bun:test";
import http2 from "node:http2";
import { connect, type Socket } from "node:net";
import { GrpcControlClient, PROTOCOL_VERSION } from "../../src/adapters/grpc/index.ts";
import { startDaemon } from "../harness/daemon.ts";
import { connectFrom } from "../harness/raw-grpc.ts";

/** The idle connections come from here (another loopback address); the served calls from 127.0.0.1. */
const IDLE_ADDRESS = "127.0.0.2";

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1", localAddress: IDLE_ADDRESS }, () => resolve(s));
    s.on("error", reject);
  });
}

/** An HTTP/2 session (over TLS, as the daemon speaks by default) that never opens a call. */
const openSession = (port: number): Promise<http2.ClientHttp2Session> => connectFrom(IDLE_ADDRESS, port);

test("200 idle sockets and 50 idle HTTP/2 sessions; calls are still served", async () => {
  await using daemon = await startDaemon();
  const sockets = await Promise.all(Array.from({ length: 200 }, () => openSocket(daemon.port)));
  // Beyond the per-address cap the daemon closes them at once, before any TLS work: those fail here.
  const sessions = (await Promise.allSettled(Array.from({ length: 50 }, () => openSession(daemon.port)))).flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  try {
    const clients = Array.from({ length: 8 }, () => new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls }));
    const pings = await Promise.all(clients.map((c) => c.ping()));
    expect(pings.map((p) => p.protocolVersion)).toEqual(Array(8).fill(PROTOCOL_VERSION));
    await Promise.all(clients.map((c) => c[Symbol.asyncDispose]()));
  } finally {
    for (const s of sockets) s.destroy();
    for (const s of sessions) s.destroy();
  }
}, 60_000);
