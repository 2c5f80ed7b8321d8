// SPEC §5 hostile peers: a session that streams data records for a file no request named (up to
// 512 MiB), and one that sends a `remove` listing 400,000 paths, do not grow the daemon without
// bound nor lock out a client at another address: its push and pull land byte-exact during the
// attack. The daemon stops reading the data, closes that connection once no request named the file
// in time, refuses the oversized request with a clear error, logs both, and its memory and
// descriptors go back near where they were.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Socket } from "node:net";
import { join } from "node:path";
import { fromWireServer, toWireClient } from "../../src/adapters/grpc/session-mapping.ts";
import { DAEMON_LIMITS } from "../../src/domain/daemon-limits.ts";
import { DATA_HEADER_BYTES, RECORD, writeDataHeader } from "../../src/domain/wire/frame.ts";
import { startDaemon } from "../harness/daemon.ts";
import { dataSocket, helloFor } from "../harness/data-connection.ts";
import { pollUntil } from "../harness/process-probe.ts";
import { connectFrom, openPushSession, type RawCall } from "../harness/raw-grpc.ts";
import { clientTree, servedByteExact, usage } from "../harness/served-during-attack.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const ATTACKER = "127.0.0.2";
const FLOOD_BYTES = 512 << 20;
const PIECE_BYTES = 1 << 20;

test("data for files nobody named and a 400,000-path request are bounded; another client is served", async () => {
  using dir = makeTempDir("unasked-data");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  mkdirSync(mod);
  clientTree(src);
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  await servedByteExact(daemon.control, src, dir.path, "warm-up");
  const before = usage(daemon.pid);

  const session = await connectFrom(ATTACKER, daemon.port);
  try {
    // Data for file 4242, which no request names.
    const flood = await openPushSession(session);
    flood.call.send(toWireClient({ t: "request", request: { id: 1, op: "stat", path: "" } }));
    const sockets = await Promise.all(Array.from({ length: flood.streams }, () => dataConnection(flood.dataPort, flood.token)));
    const flooding = floodData(sockets[0]!, 4242);

    // A remove of 400,000 paths in one request.
    const big = await openPushSession(session);
    const paths = Array.from({ length: 400_000 }, (_, i) => `d/${i}`);
    big.call.send(toWireClient({ t: "request", request: { id: 7, op: "remove", paths, onlyEmptyDirs: false } }));
    const refusal = await replyTo(big.call, 7);
    expect(refusal).toContain(`at most ${DAEMON_LIMITS.maxRequestItems} items, this one has 400000`);

    await servedByteExact(daemon.control, src, dir.path, "during");

    const accepted = await flooding;
    // The daemon stopped reading after its budget (plus socket and queue buffers), then closed the connection.
    expect(accepted).toBeLessThan(128 << 20);
    await pollUntil(() => (sockets.every((s) => s.destroyed) ? true : undefined), "the attacker's data connections closed", 60_000);
    let end: { message: string } | undefined;
    void flood.call.ended.then((e) => (end = e));
    await pollUntil(() => end, "the flooding session's end", 60_000);
    expect(end!.message).toContain("no request named");
    big.call.cancel();
  } finally {
    session.destroy();
  }
  expect(daemon.stderr()).toContain(`data connection closed: more than ${DAEMON_LIMITS.maxUnannouncedBytes >> 20} MiB of data arrived for files no request named (file 4242)`);
  expect(daemon.stderr()).toContain("a remove request may carry at most");
  await servedByteExact(daemon.control, src, dir.path, "after");
  const after = await pollUntil(() => {
    const u = usage(daemon.pid);
    return u.fds <= before.fds + 4 && u.rssKiB <= before.rssKiB + 96 * 1024 ? u : undefined;
  }, () => `RSS and descriptors near ${JSON.stringify(before)}: ${JSON.stringify(usage(daemon.pid))}`, 30_000);
  // Its peak stayed far below the 512 MiB sent and the 1.4 GB the big request once took.
  expect(after.peakKiB - before.peakKiB).toBeLessThan(384 * 1024);
}, 240_000);


/** The error message of the reply to request `id`. */
async function replyTo(call: RawCall, id: number): Promise<string> {
  for (let i = 0; i < 10_000; i++) {
    const m = await call.next();
    if (m === null) throw new Error("the call ended before its reply");
    const s = fromWireServer(m);
    if (s?.t === "reply" && s.reply.id === id) return s.reply.kind === "error" ? s.reply.error.message : `a ${s.reply.kind} reply`;
  }
  throw new Error("no reply");
}

/** A data connection from the attacker's address that presented `token` and got GO. */
async function dataConnection(port: number, token: Uint8Array): Promise<Socket> {
  const s = await dataSocket(port, { localAddress: ATTACKER });
  s.write(helloFor(s, token));
  return new Promise((resolve, reject) => {
    s.once("data", (d: Buffer) => (d[0] === RECORD.GO ? resolve(s) : reject(new Error(`no GO: ${d[0]}`))));
    s.on("error", () => {});
    s.once("close", () => reject(new Error("closed before GO")));
  });
}

/** Sends DATA records for `fileId` until FLOOD_BYTES went or the daemon closed; returns the bytes the socket took. */
async function floodData(s: Socket, fileId: number): Promise<number> {
  const payload = new Uint8Array(PIECE_BYTES).fill(0x61);
  let accepted = 0;
  const closed = new Promise<void>((resolve) => s.once("close", () => resolve()));
  for (let offset = 0; offset < FLOOD_BYTES && !s.destroyed; offset += PIECE_BYTES) {
    const head = new Uint8Array(DATA_HEADER_BYTES);
    writeDataHeader(head, 0, fileId, offset, PIECE_BYTES);
    s.write(head);
    const more = s.write(payload);
    accepted += PIECE_BYTES;
    if (!more) await Promise.race([new Promise<void>((resolve) => s.once("drain", () => resolve())), closed]);
  }
  await closed;
  return accepted;
}
