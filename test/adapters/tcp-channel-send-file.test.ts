// What only the TCP channel does: Channel.sendFile runs sendfile(2) in the channel's worker thread.
// Bytes arrive exactly, after everything sent before them; a file that ends early is reported, not
// padded; the peer closing, an abort and disposing mid-send all end the send with a code, never a hang.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TcpTransport } from "../../src/adapters/tcp/index.ts";
// The worker's digest must be the engine's (the receiver compares the two).
import { recordDigest } from "../../src/adapters/blit-session/file-digest.ts";
import { channelPair, codeOf, readAll } from "../harness/channel-pair.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";

const SIZE = 5 * 1024 * 1024 + 1;
const BIG = 64 << 20;
const t = new TcpTransport();
let dir: TempDir;
let data: Uint8Array;
let fd: number;
let bigFd: number;

beforeAll(() => {
  dir = makeTempDir("tcp-send-file");
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

const pair = () => channelPair(t, "127.0.0.1");
const digest = (b: Uint8Array) => recordDigest(b);

describe.skipIf(process.platform !== "linux")("TcpChannel.sendFile", () => {
  test("sends head and a file range byte-exact, in order with buffered sends, counted as zero-copy", async () => {
    await using p = await pair();
    const received = readAll(p.b);
    const before = randomBytes(300_000);
    void p.a.send(before);
    const head = Uint8Array.of(1, 2, 3);
    const r = await p.a.sendFile!(head, { fd }, 7, SIZE - 7);
    await p.a.send(Uint8Array.of(9));
    await p.a.end();
    // The digest is read back from the file on the hash thread, next to the send.
    expect({ ...r, digest: await r?.digest }).toEqual({ bytes: SIZE - 7, zeroCopyBytes: SIZE - 7, digest: digest(data.subarray(7)) });
    expect(p.a.zeroCopyBytes).toBe(SIZE - 7);
    const got = await received;
    expect(Buffer.compare(got, Buffer.concat([before, head, data.subarray(7), Uint8Array.of(9)]))).toBe(0);
  });

  test("a file that ends before the range reports the bytes it had", async () => {
    await using p = await pair();
    const received = readAll(p.b);
    const r = await p.a.sendFile!(new Uint8Array(0), { fd }, SIZE - 10, 1000);
    await p.a.end();
    expect(r).toEqual({ bytes: 10, zeroCopyBytes: 10 });
    expect(Buffer.compare(await received, data.subarray(SIZE - 10))).toBe(0);
  });

  test("the peer closing mid-send fails it with PEER_CLOSED", async () => {
    await using p = await pair();
    const sending = p.a.sendFile!(new Uint8Array(0), { fd: bigFd }, 0, BIG);
    // Read a little so the send is surely under way, then vanish.
    for await (const _ of p.b.incoming) break;
    await p.b[Symbol.asyncDispose]();
    expect(await codeOf(sending)).toBe("PEER_CLOSED");
    expect(await codeOf(p.a.send(Uint8Array.of(1)))).not.toBe("none");
  });

  test("an abort mid-send fails it with CANCELLED and closes the connection", async () => {
    await using p = await pair();
    const ac = new AbortController();
    const sending = p.a.sendFile!(new Uint8Array(0), { fd: bigFd }, 0, BIG, ac.signal);
    for await (const _ of p.b.incoming) break;
    ac.abort();
    expect(await codeOf(sending)).toBe("CANCELLED");
    expect(await codeOf(readAll(p.b))).toBe("PEER_CLOSED");
  });

  test("disposing the channel mid-send ends the send", async () => {
    await using p = await pair();
    const sending = p.a.sendFile!(new Uint8Array(0), { fd: bigFd }, 0, BIG);
    for await (const _ of p.b.incoming) break;
    await p.a[Symbol.asyncDispose]();
    expect(["CANCELLED", "PEER_CLOSED"]).toContain(await codeOf(sending));
    expect(await codeOf(readAll(p.b))).toBe("PEER_CLOSED");
  });
});
