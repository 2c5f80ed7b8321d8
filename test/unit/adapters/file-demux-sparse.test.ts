// A sparse file on the data plane: FileSender sends only the data extents of a file that may have holes (records at
// increasing offsets with gaps, an EOF with the whole size), and FileDemux leaves the gaps as holes in a target's
// file (setting its size at the EOF) or hands zeros to a stream or whole file; the EOF digest names the gaps, so a
// record moved to another offset fails the file.
import { describe, expect, test } from "bun:test";
import { closeSync, ftruncateSync, fstatSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { MemoryTransport } from "../../../src/adapters/memory/index.ts";
import { FileDemux } from "../../../src/adapters/blit-session/file-demux.ts";
import { FileSender } from "../../../src/adapters/blit-session/file-sender.ts";
import { fileDigest, gapDigest, recordDigest } from "../../../src/adapters/blit-session/file-digest.ts";
import { DATA_HEADER_BYTES, EOF_BYTES, encodeEnd, writeDataHeader, writeEof } from "../../../src/domain/wire/frame.ts";
import type { FileTarget } from "../../../src/ports/store-capabilities.ts";
import { channelPair } from "../../harness/channel-pair.ts";
import { bytesOf, filled, recordsOn, sparseFile, sparseTempDir } from "../../harness/sparse-files.ts";

const pair = () => channelPair(new MemoryTransport(), "mem");
const MiB = 1 << 20;





/** A FileTarget writing into a real file (a temporary's part in bytes-write.ts). */
function targetAt(path: string): FileTarget & Disposable {
  const fd = openSync(path, "w");
  return { fd, write: (b, at) => void writeSync(fd, b, 0, b.length, at), landed: () => {}, setSize: (n) => ftruncateSync(fd, n), [Symbol.dispose]: () => closeSync(fd) };
}


describe("sparse files on the data plane", () => {
  test("the sender sends only the data extents (a file of holes alone: an empty record at 0), the EOF says the whole size", async () => {
    using dir = sparseTempDir("blit-sparse-wire-");
    sparseFile(join(dir.path, "a"), 16 * MiB, [[4 * MiB, filled(8192, 1)], [9 * MiB, filled(4096, 2)]]);
    sparseFile(join(dir.path, "holes"), 3 * MiB, []);
    await using p = await pair();
    const sender = new FileSender(p.a);
    const got = recordsOn(p.b);
    await sender.sendFile(1, bytesOf(join(dir.path, "a")), 0);
    await sender.sendFile(2, bytesOf(join(dir.path, "holes")), 0);
    await sender.flush();
    await p.a.send(encodeEnd());
    const shown = (await got).map((r) => (r.type === "data" ? `data ${r.fileId} @${r.offset} +${r.piece.length}` : r.type === "eof" ? `eof ${r.fileId} ${r.size}` : r.type));
    expect(shown).toEqual([
      "data 1 @0 +0",
      `data 1 @${4 * MiB} +8192`,
      `data 1 @${9 * MiB} +4096`,
      `eof 1 ${16 * MiB}`,
      "data 2 @0 +0",
      `eof 2 ${3 * MiB}`,
    ]);
  });

  test("the receiver leaves the gaps as holes in a target's file and sets its size, given before or after the records", async () => {
    using dir = sparseTempDir("blit-sparse-wire-");
    const src = join(dir.path, "src");
    sparseFile(src, 32 * MiB, [[0, filled(4096, 3)], [20 * MiB, filled(2 * MiB, 4)]]);
    await using p = await pair();
    const demux = new FileDemux();
    demux.announce([1, 2]);
    using early = targetAt(join(dir.path, "early"));
    const first = demux.readInto(1, early);
    const drained = demux.drain(p.b);
    const sender = new FileSender(p.a);
    await sender.sendFile(1, bytesOf(src), 0);
    await sender.sendFile(2, bytesOf(src), 0);
    await sender.flush();
    await p.a.send(encodeEnd());
    await drained;
    using late = targetAt(join(dir.path, "late"));
    expect(await first).toEqual({ bytes: 4096 + 2 * MiB, zeroCopyBytes: 0 });
    expect(await demux.readInto(2, late)).toEqual({ bytes: 4096 + 2 * MiB, zeroCopyBytes: 0 });
    for (const t of [early, late]) {
      const st = fstatSync(t.fd);
      expect(st.size).toBe(32 * MiB);
      expect(st.blocks * 512).toBeLessThan(4 * MiB);
    }
    const want = Bun.hash(readFileSync(src));
    expect([Bun.hash(readFileSync(join(dir.path, "early"))), Bun.hash(readFileSync(join(dir.path, "late")))]).toEqual([want, want]);
  });

  test("a stream or whole file gets zeros for the holes, the tail past the last record included", async () => {
    using dir = sparseTempDir("blit-sparse-wire-");
    const src = join(dir.path, "src");
    sparseFile(src, 3 * MiB, [[MiB, filled(100, 5)]]);
    await using p = await pair();
    const demux = new FileDemux();
    const streamed = new Response(demux.stream(1)).arrayBuffer();
    const sender = new FileSender(p.a);
    await sender.sendFile(1, bytesOf(src), 0);
    await sender.sendFile(2, bytesOf(src), 0);
    await sender.flush();
    await p.a.send(encodeEnd());
    await demux.drain(p.b);
    const whole = await demux.whole(2, 3 * MiB);
    const want = Bun.hash(readFileSync(src));
    expect([Bun.hash(new Uint8Array(await streamed)), Bun.hash(Buffer.concat(whole.parts))]).toEqual([want, want]);
  });

  test("a record moved to another offset, or a hole where data was sent, fails with CORRUPT_DATA", async () => {
    await using p = await pair();
    const demux = new FileDemux();
    const data = filled(1000, 6);
    // As sent: 1000 bytes at 4096 of a 10,000-byte file; its digest names the holes before and after.
    const digest = fileDigest([gapDigest(0, 4096), recordDigest(data), gapDigest(5096, 10_000)]);
    const records = (fileId: number, offset: number) => {
      const out = new Uint8Array(2 * DATA_HEADER_BYTES + data.length + EOF_BYTES);
      writeDataHeader(out, 0, fileId, 0, 0);
      writeDataHeader(out, DATA_HEADER_BYTES, fileId, offset, data.length);
      out.set(data, 2 * DATA_HEADER_BYTES);
      writeEof(out, 2 * DATA_HEADER_BYTES + data.length, fileId, 10_000, digest);
      return out;
    };
    const codeOf = (x: Promise<unknown>) => x.then(() => "none", (e: { code?: string }) => e.code);
    const exact = codeOf(demux.whole(1, 10_000));
    const moved = codeOf(demux.whole(2, 10_000));
    const dropped = codeOf(demux.whole(3, 10_000));
    await p.a.send(records(1, 4096));
    await p.a.send(records(2, 4097));
    const missing = new Uint8Array(DATA_HEADER_BYTES + EOF_BYTES);
    writeDataHeader(missing, 0, 3, 0, 0);
    writeEof(missing, DATA_HEADER_BYTES, 3, 10_000, digest);
    await p.a.send(missing);
    await p.a.send(encodeEnd());
    await demux.drain(p.b);
    expect([await exact, await moved, await dropped]).toEqual(["none", "CORRUPT_DATA", "CORRUPT_DATA"]);
  });
});
