// What the TCP channel does over TLS, where sendfile/splice cannot run: Channel.sendFile and
// Channel.receiveFile move file bytes through the TLS library (tls-file-io.ts). Bytes arrive exact
// and in order, the digests are the engine's record digests, nothing counts as zero-copy; a file
// that ends early or cannot be written is reported without losing step; the peer closing, an abort
// and disposing end a transfer with a code, never a hang.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
// The channel's digests must be the engine's (the two sides compare them).
import { recordDigest } from "../../src/adapters/blit-session/file-digest.ts";
import { codeOf, readAll } from "../harness/channel-pair.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";
import { tlsChannelPair } from "../harness/tls-channel-pair.ts";

const SIZE = 5 * 1024 * 1024 + 1;
const BIG = 64 << 20;
let dir: TempDir;
let data: Uint8Array;
let fd: number;
let bigFd: number;
let n = 0;

beforeAll(() => {
  dir = makeTempDir("tcp-tls-file-io");
  data = randomBytes(SIZE);
  writeFileSync(join(dir.path, "f"), data);
  writeFileSync(join(dir.path, "big"), new Uint8Array(BIG));
  fd = openSync(join(dir.path, "f"), "r");
  bigFd = openSync(join(dir.path, "big"), "r");
});
afterAll(() => {
  closeSync(fd);
  closeSync(bigFd);
  dir[Symbol.dispose]();
});

/** A fresh file holding `prefix`, open for writing and reading, closed (and read back) by the caller. */
function target(flags = "w+", prefix: Uint8Array = new Uint8Array(0)): { path: string; fd: number } {
  const path = join(dir.path, `t${n++}`);
  writeFileSync(path, prefix);
  return { path, fd: openSync(path, flags) };
}

describe("TcpChannel.sendFile over TLS", () => {
  test("sends head and a file range byte-exact, in order with buffered sends, with the record digest; nothing zero-copy", async () => {
    await using p = await tlsChannelPair();
    expect(p.a.encrypted).toBe(true);
    const received = readAll(p.b);
    const before = randomBytes(300_000);
    void p.a.send(before);
    const head = Uint8Array.of(1, 2, 3);
    const r = await p.a.sendFile!(head, { fd }, 7, SIZE - 7);
    await p.a.send(Uint8Array.of(9));
    await p.a.end();
    expect({ ...r, digest: await r?.digest }).toEqual({ bytes: SIZE - 7, zeroCopyBytes: 0, digest: recordDigest(data.subarray(7)) });
    expect(p.a.zeroCopyBytes).toBe(0);
    expect(Buffer.compare(await received, Buffer.concat([before, head, data.subarray(7), Uint8Array.of(9)]))).toBe(0);
  });

  test("a file that ends before the range reports the bytes it had, without a digest", async () => {
    await using p = await tlsChannelPair();
    const received = readAll(p.b);
    const r = await p.a.sendFile!(new Uint8Array(0), { fd }, SIZE - 10, 1000);
    await p.a.end();
    expect(r).toEqual({ bytes: 10, zeroCopyBytes: 0 });
    expect(Buffer.compare(await received, data.subarray(SIZE - 10))).toBe(0);
  });

  test("a file that cannot be read reports an error after the bytes it had", async () => {
    await using p = await tlsChannelPair();
    const received = readAll(p.b);
    const w = target("w");
    const r = await p.a.sendFile!(Uint8Array.of(5), { fd: w.fd }, 0, 1000);
    closeSync(w.fd);
    await p.a.end();
    expect(r?.bytes).toBe(0);
    expect(r?.error?.code).toBeDefined();
    expect([...(await received)]).toEqual([5]);
  });

  test("the peer closing mid-send fails it with PEER_CLOSED", async () => {
    await using p = await tlsChannelPair();
    const sending = p.a.sendFile!(new Uint8Array(0), { fd: bigFd }, 0, BIG);
    for await (const _ of p.b.incoming) break;
    await p.b[Symbol.asyncDispose]();
    expect(await codeOf(sending)).toBe("PEER_CLOSED");
    expect(await codeOf(p.a.send(Uint8Array.of(1)))).not.toBe("none");
  });

  test("an abort mid-send fails it with CANCELLED and closes the connection", async () => {
    await using p = await tlsChannelPair();
    const ac = new AbortController();
    const sending = p.a.sendFile!(new Uint8Array(0), { fd: bigFd }, 0, BIG, ac.signal);
    for await (const _ of p.b.incoming) break;
    ac.abort();
    expect(await codeOf(sending)).toBe("CANCELLED");
    expect(await codeOf(readAll(p.b))).toBe("PEER_CLOSED");
  });

  test("disposing the channel mid-send ends the send", async () => {
    await using p = await tlsChannelPair();
    const sending = p.a.sendFile!(new Uint8Array(0), { fd: bigFd }, 0, BIG);
    for await (const _ of p.b.incoming) break;
    await p.a[Symbol.asyncDispose]();
    expect(["CANCELLED", "PEER_CLOSED"]).toContain(await codeOf(sending));
    expect(await codeOf(readAll(p.b))).toBe("PEER_CLOSED");
  });
});

describe("TcpChannel.receiveFile over TLS", () => {
  test("takes exactly the bytes asked for into the file at the offset; what follows arrives on incoming", async () => {
    await using p = await tlsChannelPair();
    const body = randomBytes(9 * 1024 * 1024 + 3);
    const tail = randomBytes(100_000);
    const sent = (async () => {
      await p.a.send(body);
      await p.a.send(tail);
      await p.a.end();
    })();
    const file = target();
    const r = await p.b.receiveFile!({ fd: file.fd }, 5, body.length);
    closeSync(file.fd);
    expect({ ...r, digest: await r?.digest }).toEqual({ bytes: body.length, zeroCopyBytes: 0, digest: recordDigest(body) });
    expect(p.b.zeroCopyBytes).toBe(0);
    expect(Buffer.compare(await readAll(p.b), tail)).toBe(0);
    await sent;
    expect(Buffer.compare(readFileSync(file.path), Buffer.concat([new Uint8Array(5), body]))).toBe(0);
  });

  test("records received one after another land exact; a record begun from incoming is finished with its whole digest", async () => {
    await using p = await tlsChannelPair();
    const records = [randomBytes(8 << 20), randomBytes((3 << 20) + 17), randomBytes(8 << 20)];
    const sent = (async () => {
      for (const r of records) await p.a.send(r);
      await p.a.end();
    })();
    // As the demux does: bytes already on incoming are written by the caller, the rest of the
    // record is received into the file (with the digest of the whole record, from its start).
    const it = p.b.incoming[Symbol.asyncIterator]();
    let pending: Uint8Array = new Uint8Array(0);
    const file = target();
    let at = 0;
    let received = 0;
    for (const record of records) {
      const start = at;
      for (let left = record.length; left > 0; ) {
        if (pending.length === 0) {
          const r = await p.b.receiveFile!({ fd: file.fd }, at, left, undefined, start);
          if (r !== null) {
            expect({ ...r, digest: await r.digest }).toEqual({ bytes: left, zeroCopyBytes: 0, digest: recordDigest(record) });
            [at, left, received] = [at + left, 0, received + 1];
            continue;
          }
          pending = (await it.next()).value!;
        }
        const piece = pending.subarray(0, Math.min(left, pending.length));
        writeSync(file.fd, piece, 0, piece.length, at);
        [at, left, pending] = [at + piece.length, left - piece.length, pending.subarray(piece.length)];
      }
    }
    await sent;
    closeSync(file.fd);
    expect(received).toBeGreaterThan(0);
    expect(pending.length + ((await it.next()).value?.length ?? 0)).toBe(0);
    expect(Buffer.compare(readFileSync(file.path), Buffer.concat(records))).toBe(0);
  });

  test("the digest covers the record's bytes the caller wrote before the offset (hashFrom)", async () => {
    await using p = await tlsChannelPair();
    // A record of 3 MiB + 5 whose first 1 MiB + 2 bytes the caller already wrote at 10.
    const record = randomBytes(3 * 1024 * 1024 + 5);
    const early = (1 << 20) + 2;
    const file = target("r+", Buffer.concat([new Uint8Array(10), record.subarray(0, early)]));
    void p.a.send(record.subarray(early)).then(() => p.a.end());
    const r = await p.b.receiveFile!({ fd: file.fd }, 10 + early, record.length - early, undefined, 10);
    closeSync(file.fd);
    expect({ ...r, digest: await r?.digest }).toEqual({ bytes: record.length - early, zeroCopyBytes: 0, digest: recordDigest(record) });
    expect(Buffer.compare(readFileSync(file.path), Buffer.concat([new Uint8Array(10), record]))).toBe(0);
  });

  test("declines (null) while bytes already received wait on incoming", async () => {
    await using p = await tlsChannelPair();
    await p.a.send(Uint8Array.of(1, 2, 3));
    const it = p.b.incoming[Symbol.asyncIterator]();
    const first = await it.next();
    await p.a.send(Uint8Array.of(4));
    const queued = () => (p.b as unknown as { incoming: { queuedBytes: number } }).incoming.queuedBytes > 0;
    for (let i = 0; i < 1_000_000 && !queued(); i++) await Bun.sleep(0);
    const file = target();
    expect(await p.b.receiveFile!({ fd: file.fd }, 0, 1)).toBeNull();
    closeSync(file.fd);
    expect([...first.value!, ...(await it.next()).value!]).toEqual([1, 2, 3, 4]);
  });

  test("a file that cannot be written gets an error; the bytes are dropped and the connection stays in step", async () => {
    await using p = await tlsChannelPair();
    const body = randomBytes(3 * 1024 * 1024);
    void p.a.send(body).then(() => p.a.send(Uint8Array.of(7, 7))).then(() => p.a.end());
    const file = target("r");
    const r = await p.b.receiveFile!({ fd: file.fd }, 0, body.length);
    closeSync(file.fd);
    expect(r?.bytes).toBe(0);
    expect(r?.error?.code).toBeDefined();
    expect([...(await readAll(p.b))]).toEqual([7, 7]);
  });

  test("a record start that cannot be read back gets an error; the bytes are dropped and the connection stays in step", async () => {
    await using p = await tlsChannelPair();
    const body = randomBytes(2 * 1024 * 1024);
    void p.a.send(body).then(() => p.a.send(Uint8Array.of(8))).then(() => p.a.end());
    const file = target("w");
    const r = await p.b.receiveFile!({ fd: file.fd }, 100, body.length, undefined, 0);
    closeSync(file.fd);
    expect(r?.bytes).toBe(0);
    expect(r?.error?.message).toContain("reading back");
    expect([...(await readAll(p.b))]).toEqual([8]);
  });

  test("the peer closing mid-receive fails it with PEER_CLOSED", async () => {
    await using p = await tlsChannelPair();
    const file = target();
    const receiving = p.b.receiveFile!({ fd: file.fd }, 0, 64 << 20);
    await p.a.send(randomBytes(1 << 20));
    await p.a[Symbol.asyncDispose]();
    expect(await codeOf(receiving)).toBe("PEER_CLOSED");
    closeSync(file.fd);
  });

  test("the peer ending mid-receive fails it with PEER_CLOSED", async () => {
    await using p = await tlsChannelPair();
    const file = target();
    const receiving = p.b.receiveFile!({ fd: file.fd }, 0, 64 << 20);
    await p.a.send(randomBytes(1 << 20));
    await p.a.end();
    expect(await codeOf(receiving)).toBe("PEER_CLOSED");
    closeSync(file.fd);
  });

  test("an abort mid-receive fails it with CANCELLED and closes the connection", async () => {
    await using p = await tlsChannelPair();
    const ac = new AbortController();
    const file = target();
    const receiving = p.b.receiveFile!({ fd: file.fd }, 0, 64 << 20, ac.signal);
    await p.a.send(randomBytes(1 << 20));
    ac.abort();
    expect(await codeOf(receiving)).toBe("CANCELLED");
    closeSync(file.fd);
    expect(await codeOf(readAll(p.b))).toBe("PEER_CLOSED");
  });
});
