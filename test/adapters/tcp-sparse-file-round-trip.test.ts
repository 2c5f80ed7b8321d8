// A sparse file over a real TCP channel: FileSender sends its data extents by sendfile (records after holes), and
// FileDemux takes them into a target's file, the large payloads by splice where the channel can, leaving the holes.
import { describe, expect, test } from "bun:test";
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { FileDemux } from "../../src/adapters/blit-session/file-demux.ts";
import { FileSender } from "../../src/adapters/blit-session/file-sender.ts";
import { LocalOpenFile } from "../../src/adapters/local/open-file.ts";
import { TcpTransport } from "../../src/adapters/tcp/index.ts";
import { encodeEnd } from "../../src/domain/wire/frame.ts";
import { channelPair } from "../harness/channel-pair.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const MiB = 1 << 20;

describe.skipIf(process.platform !== "linux")("a sparse file over TCP", () => {
  test("only its extents go (zero-copy), the receiver's file keeps the holes and the size", async () => {
    using dir = makeTempDir("tcp-sparse");
    const src = join(dir.path, "src");
    const dst = join(dir.path, "dst");
    const fd = openSync(src, "w");
    ftruncateSync(fd, 64 * MiB);
    for (const at of [8 * MiB, 40 * MiB]) writeSync(fd, randomBytes(4 * MiB), 0, 4 * MiB, at);
    closeSync(fd);
    expect(statSync(src).blocks * 512).toBeLessThan(10 * MiB); // the source has its holes
    await using p = await channelPair(new TcpTransport(), "127.0.0.1");
    const demux = new FileDemux();
    demux.announce([1]);
    const out = openSync(dst, "w+");
    try {
      const landed = demux.readInto(1, { fd: out, write: (b, at) => void writeSync(out, b, 0, b.length, at), landed: () => {}, setSize: (n) => ftruncateSync(out, n) });
      const drained = demux.drain(p.b);
      const sender = new FileSender(p.a);
      const zeroCopy = await sender.sendFile(1, { read: () => new Response(Bun.file(src)).body!, open: async () => LocalOpenFile.of(openSync(src, "r")) }, 0);
      await sender.flush();
      await p.a.send(encodeEnd());
      await drained;
      const got = await landed;
      expect(got.bytes).toBe(8 * MiB);
      // 4 MiB records: after their first piece the rest is spliced into the file at its offset, past the holes.
      expect(got.zeroCopyBytes).toBeGreaterThan(0);
      expect(zeroCopy).toBe(8 * MiB);
      expect(sender.sentBytes).toBeLessThan(9 * MiB);
      const st = fstatSync(out);
      expect(st.size).toBe(64 * MiB);
      expect(st.blocks * 512).toBeLessThan(10 * MiB);
    } finally {
      closeSync(out);
    }
    expect(Bun.hash(readFileSync(dst))).toBe(Bun.hash(readFileSync(src)));
  });
});
