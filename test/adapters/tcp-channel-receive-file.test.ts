// What only the TCP channel does: Channel.receiveFile pauses the socket and lets a worker splice(2)
// the next bytes of the connection into a file. It takes exactly the bytes asked for (what follows
// still arrives on `incoming`), declines while received bytes wait, drops the bytes a failing file
// cannot take without losing step, and ends with a code when the peer closes or the caller aborts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TcpTransport } from "../../src/adapters/tcp/index.ts";
// The worker's digest must be the engine's (the sender's EOF carries the engine's).
import { recordDigest } from "../../src/adapters/blit-session/file-digest.ts";
import { channelPair, codeOf, readAll } from "../harness/channel-pair.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";

const t = new TcpTransport();
let dir: TempDir;
let n = 0;

beforeAll(() => {
  dir = makeTempDir("tcp-receive-file");
});
afterAll(() => dir[Symbol.dispose]());

const pair = () => channelPair(t, "127.0.0.1");

/** A fresh empty file open for writing and reading, closed (and read back) by the caller. */
function target(flags = "w+"): { path: string; fd: number } {
  const path = join(dir.path, `t${n++}`);
  writeFileSync(path, "");
  return { path, fd: openSync(path, flags) };
}

describe.skipIf(process.platform !== "linux")("TcpChannel.receiveFile", () => {
  test("takes exactly the bytes asked for into the file at the offset; what follows arrives on incoming", async () => {
    await using p = await pair();
    const body = randomBytes(9 * 1024 * 1024 + 3);
    const tail = randomBytes(100_000);
    const sent = (async () => {
      await p.a.send(body);
      await p.a.send(tail);
      await p.a.end();
    })();
    const file = target();
    const r = await p.b.receiveFile!({ fd: file.fd }, 5, body.length);
    // The digest is of what landed in the file, read back from it (the file stays open until then).
    const digest = await r?.digest;
    closeSync(file.fd);
    expect({ ...r, digest }).toEqual({ bytes: body.length, zeroCopyBytes: body.length, digest: recordDigest(body) });
    expect(p.b.zeroCopyBytes).toBe(body.length);
    expect(Buffer.compare(await readAll(p.b), tail)).toBe(0);
    await sent;
    expect(Buffer.compare(readFileSync(file.path), Buffer.concat([new Uint8Array(5), body]))).toBe(0);
  });

  test("declines (null) while bytes already received wait on incoming", async () => {
    await using p = await pair();
    await p.a.send(Uint8Array.of(1, 2, 3));
    const it = p.b.incoming[Symbol.asyncIterator]();
    const first = await it.next();
    await p.a.send(Uint8Array.of(4));
    // Poll until the second chunk is queued (no sleep).
    const queued = () => (p.b as unknown as { incoming: { queuedBytes: number } }).incoming.queuedBytes > 0;
    for (let i = 0; i < 1_000_000 && !queued(); i++) await Bun.sleep(0);
    const file = target();
    expect(await p.b.receiveFile!({ fd: file.fd }, 0, 1)).toBeNull();
    closeSync(file.fd);
    expect([...first.value!, ...(await it.next()).value!]).toEqual([1, 2, 3, 4]);
  });

  test("a file that cannot be written gets an error; the bytes are dropped and the connection stays in step", async () => {
    await using p = await pair();
    const body = randomBytes(3 * 1024 * 1024);
    void p.a.send(body).then(() => p.a.send(Uint8Array.of(7, 7))).then(() => p.a.end());
    const file = target("r");
    const r = await p.b.receiveFile!({ fd: file.fd }, 0, body.length);
    closeSync(file.fd);
    expect(r?.bytes).toBe(0);
    expect(r?.error?.code).toBeDefined();
    expect([...(await readAll(p.b))]).toEqual([7, 7]);
  });

  test("the peer closing mid-receive fails it with PEER_CLOSED", async () => {
    await using p = await pair();
    // A first receive starts the worker thread (a close before that gives null: nothing taken).
    const warm = target();
    const first = p.b.receiveFile!({ fd: warm.fd }, 0, 1000);
    await p.a.send(randomBytes(1000));
    expect((await first)?.bytes).toBe(1000);
    closeSync(warm.fd);
    const file = target();
    const receiving = p.b.receiveFile!({ fd: file.fd }, 0, 64 << 20);
    await p.a.send(randomBytes(1 << 20));
    await p.a[Symbol.asyncDispose]();
    expect(await codeOf(receiving)).toBe("PEER_CLOSED");
    closeSync(file.fd);
  });

  test("an abort mid-receive fails it with CANCELLED and closes the connection", async () => {
    await using p = await pair();
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
