// A relay (the client between two daemons) reads a sparse file as a stream (FileDemux.stream) and sends it on with
// FileSender: the zeros the stream gets for a hole are zero pieces (zero-pieces.ts), which the sender passes on as
// gaps, so the relayed records are the source's records (same offsets, same EOF size and digest), and the file lands
// with its holes, verified. Zeros read from a file are data; a resumed send (from past 0) sends zero pieces as data.
import { describe, expect, test } from "bun:test";
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { MemoryTransport } from "../../../src/adapters/memory/index.ts";
import { FileDemux } from "../../../src/adapters/blit-session/file-demux.ts";
import { FileSender } from "../../../src/adapters/blit-session/file-sender.ts";
import { zeroPieces } from "../../../src/adapters/blit-session/zero-pieces.ts";
import { encodeEnd, type Record } from "../../../src/domain/wire/frame.ts";
import type { FileTarget } from "../../../src/ports/store-capabilities.ts";
import { channelPair } from "../../harness/channel-pair.ts";
import { bytesOf, filled, recordsOn, sparseFile, sparseTempDir } from "../../harness/sparse-files.ts";

const pair = () => channelPair(new MemoryTransport(), "mem");
const MiB = 1 << 20;
const GiB = 1 << 30;





/** A stream of `chunks` as they are. */
const streamOf = (chunks: Iterable<Uint8Array>): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });


const shown = (records: readonly Record[]) => records.map((r) => (r.type === "data" ? `data ${r.fileId} @${r.offset} +${r.piece.length}` : r.type === "eof" ? `eof ${r.fileId} ${r.size} ${Buffer.from(r.digest).toString("hex")}` : r.type));

/** Sends `files` (id → path) from a FileSender through a FileDemux's streams into `relay`, as a relay does. */
async function relayed(relay: FileSender, files: readonly (readonly [number, string])[]): Promise<void> {
  await using hop = await pair();
  const demux = new FileDemux();
  const drained = demux.drain(hop.b);
  const source = new FileSender(hop.a);
  const sent = (async () => {
    for (const [id, path] of files) await source.sendFile(id, bytesOf(path), 0);
    await source.flush();
    await hop.a.send(encodeEnd());
  })();
  for (const [id] of files) await relay.sendFile(id, { read: (offset) => demux.stream(id, offset) }, 0);
  await relay.flush();
  await Promise.all([sent, drained]);
}

describe("a relay passes a stream's holes on", () => {
  test("as gaps: the relayed records are the source's (offsets, size, digest); zeros read from a file or resumed are data", async () => {
    using dir = sparseTempDir("blit-relay-holes-");
    const late = join(dir.path, "late");
    const holes = join(dir.path, "holes");
    const ends = join(dir.path, "ends");
    sparseFile(late, GiB + 1000 + 512 * MiB, [[GiB, filled(1000, 1)]]);
    sparseFile(holes, 5 * MiB, []);
    sparseFile(ends, 8 * MiB, [[0, filled(4096, 2)], [3 * MiB, filled(MiB + 7, 3)], [8 * MiB - 100, filled(100, 4)]]);
    const files = [[1, late], [2, holes], [3, ends]] as const;
    // What the source sends (sendExtents).
    await using direct = await pair();
    const want = recordsOn(direct.b);
    const source = new FileSender(direct.a);
    for (const [id, path] of files) await source.sendFile(id, bytesOf(path), 0);
    await source.flush();
    await direct.a.send(encodeEnd());
    // What the relay sends on.
    await using out = await pair();
    const got = recordsOn(out.b);
    const relay = new FileSender(out.a);
    await relayed(relay, files);
    // Zeros that are bytes of a stream (not a hole's pieces), and zero pieces of a send resumed past 0, go as data.
    await relay.sendStream(4, () => streamOf([new Uint8Array(2 * MiB)]), 0);
    await relay.sendStream(5, () => streamOf(zeroPieces(2 * MiB)), MiB);
    await relay.flush();
    await out.a.send(encodeEnd());
    const relayedRecords = shown(await got);
    expect(relayedRecords.filter((r) => / [123] /.test(r))).toEqual(shown(await want));
    expect(relayedRecords.filter((r) => / [45] /.test(r)).map((r) => r.replace(/ [0-9a-f]{32}$/, ""))).toEqual([
      `data 4 @0 +${2 * MiB}`,
      `eof 4 ${2 * MiB}`,
      `data 5 @${MiB} +${MiB}`,
      `data 5 @${2 * MiB} +${MiB}`,
      `eof 5 ${3 * MiB}`,
    ]);
    // Only the data crossed the relay's connection.
    expect(relay.sentBytes).toBeLessThan(6 * MiB);
  });

  test("the relayed file lands with its holes and passes the receiver's check", async () => {
    using dir = sparseTempDir("blit-relay-holes-");
    const src = join(dir.path, "src");
    sparseFile(src, 64 * MiB, [[16 * MiB, filled(4096, 5)], [40 * MiB, filled(2 * MiB, 6)]]);
    await using out = await pair();
    const demux = new FileDemux();
    const fd = openSync(join(dir.path, "dst"), "w");
    try {
      const target: FileTarget = { fd, write: (b, at) => void writeSync(fd, b, 0, b.length, at), landed: () => {}, setSize: (n) => ftruncateSync(fd, n) };
      const landed = demux.readInto(1, target);
      const drained = demux.drain(out.b);
      const relay = new FileSender(out.a);
      await relayed(relay, [[1, src]]);
      await out.a.send(encodeEnd());
      await drained;
      expect(await landed).toEqual({ bytes: 4096 + 2 * MiB, zeroCopyBytes: 0 });
      const st = fstatSync(fd);
      expect({ size: st.size, sparse: st.blocks * 512 < 8 * MiB }).toEqual({ size: 64 * MiB, sparse: true });
    } finally {
      closeSync(fd);
    }
    expect(Bun.hash(readFileSync(join(dir.path, "dst")))).toBe(Bun.hash(readFileSync(src)));
  });
});
