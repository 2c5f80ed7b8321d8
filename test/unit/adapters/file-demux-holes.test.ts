// A hole of a sparse file reaching a stream (FileDemux.stream, as a relay's PeerStore.read or a daemon's
// IncomingFiles.read use it) becomes zeros a piece at a time, each waiting for room: a slow consumer of a file with a
// 1 GiB hole never has more than the stream's high-water mark plus one piece queued, whether it claimed the stream
// before the records came or after the hole was queued, and the data after a hole comes after its zeros.
import { describe, expect, test } from "bun:test";
import { MemoryTransport } from "../../../src/adapters/memory/index.ts";
import { FileDemux } from "../../../src/adapters/blit-session/file-demux.ts";
import { fileDigest, gapDigest, recordDigest } from "../../../src/adapters/blit-session/file-digest.ts";
import type { Incoming } from "../../../src/adapters/blit-session/incoming-file.ts";
import { DATA_HEADER_BYTES, EOF_BYTES, encodeEnd, writeDataHeader, writeEof } from "../../../src/domain/wire/frame.ts";
import { channelPair } from "../../harness/channel-pair.ts";

const MiB = 1 << 20;
const GiB = 1 << 30;
/** FileDemux's FILE_HIGH_WATER_BYTES. */
const HIGH_WATER = 4 * MiB;

const filled = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 255);
const A = filled(1000, 7);
const B = filled(1000, 9);
const C = filled(1000, 11);
/** A at 0, B at 1 GiB, C at 2 GiB, then a hole to the end: 2 GiB + 1000 + 512 MiB. */
const SIZE = 2 * GiB + 1000 + 512 * MiB;
const DIGEST = fileDigest([recordDigest(A), gapDigest(1000, GiB), recordDigest(B), gapDigest(GiB + 1000, 2 * GiB), recordDigest(C), gapDigest(2 * GiB + 1000, SIZE)]);

function dataRecord(offset: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(DATA_HEADER_BYTES + bytes.length);
  writeDataHeader(out, 0, 1, offset, bytes.length);
  out.set(bytes, DATA_HEADER_BYTES);
  return out;
}

function eofRecord(): Uint8Array {
  const out = new Uint8Array(EOF_BYTES);
  writeEof(out, 0, 1, SIZE, DIGEST);
  return out;
}

/** The demux's entry for file 1 (kept here: the demux forgets a claimed file once it ended). */
const entryOf = (demux: FileDemux): Incoming => (demux as unknown as { files: Map<number, Incoming> }).files.get(1)!;

/** Polls until `ok()`, yielding to the event loop between tries. */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads `stream` to its end, one piece per turn of the event loop (the producer runs in between), noting the most
 * bytes its queue held after each read, the total, and where each data piece (first byte not zero) came.
 */
async function readSlowly(stream: ReadableStream<Uint8Array>, f: Incoming): Promise<{ mostQueued: number; total: number; data: [number, number][] }> {
  const reader = stream.getReader();
  let mostQueued = 0;
  let total = 0;
  const data: [number, number][] = [];
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    mostQueued = Math.max(mostQueued, HIGH_WATER - (f.controller?.desiredSize ?? HIGH_WATER));
    const { done, value } = await reader.read();
    if (done) return { mostQueued, total, data };
    if (value[0] !== 0) data.push([total, Number(Bun.hash(value))]);
    total += value.length;
  }
}

const wantData: [number, number][] = ([[0, A], [GiB, B], [2 * GiB, C]] as const).map(([at, bytes]) => [at, Number(Bun.hash(bytes))]);

describe("FileDemux: a hole going into a stream", () => {
  test("claimed before the records: a slow consumer has at most the high-water mark plus 1 MiB queued; data after each hole in order", async () => {
    await using p = await pair();
    const demux = new FileDemux();
    const stream = demux.stream(1);
    const f = entryOf(demux);
    const drained = demux.drain(p.b);
    const sent = (async () => {
      for (const r of [dataRecord(0, A), dataRecord(GiB, B), dataRecord(2 * GiB, C), eofRecord(), encodeEnd()]) await p.a.send(r);
    })();
    const got = await readSlowly(stream, f);
    await Promise.all([sent, drained]);
    expect(got.mostQueued).toBeGreaterThanOrEqual(HIGH_WATER);
    expect(got.mostQueued).toBeLessThanOrEqual(HIGH_WATER + MiB);
    expect(got.total).toBe(SIZE);
    expect(got.data).toEqual(wantData);
  }, 120_000);

  test("claimed after the holes were queued (the file ended, or records still to come): the same bound and order", async () => {
    for (const claimAfter of ["eof", "b"] as const) {
      await using p = await pair();
      const demux = new FileDemux();
      demux.announce([1]);
      const drained = demux.drain(p.b);
      const records = [dataRecord(0, A), dataRecord(GiB, B), dataRecord(2 * GiB, C), eofRecord(), encodeEnd()];
      const early = claimAfter === "eof" ? records : records.slice(0, 2);
      for (const r of early) await p.a.send(r);
      if (claimAfter === "eof") await drained;
      else await until(() => demux.receivedBytes === 2000);
      const f = entryOf(demux);
      const stream = demux.stream(1);
      const rest = (async () => {
        for (const r of records.slice(early.length)) await p.a.send(r);
      })();
      const got = await readSlowly(stream, f);
      await Promise.all([rest, drained]);
      expect(got.mostQueued).toBeGreaterThanOrEqual(HIGH_WATER);
      expect(got.mostQueued).toBeLessThanOrEqual(HIGH_WATER + MiB);
      expect(got.total).toBe(SIZE);
      expect(got.data).toEqual(wantData);
    }
  }, 240_000);

  test("a consumer that cancels inside a hole stops its zeros; the connection's later records are read on", async () => {
    await using p = await pair();
    const demux = new FileDemux();
    const stream = demux.stream(1);
    const drained = demux.drain(p.b);
    const sent = (async () => {
      for (const r of [dataRecord(0, A), dataRecord(GiB, B), dataRecord(2 * GiB, C), eofRecord(), encodeEnd()]) await p.a.send(r);
    })();
    const reader = stream.getReader();
    for (let i = 0; i < 3; i++) await reader.read();
    await reader.cancel();
    await Promise.all([sent, drained]);
    expect(demux.receivedBytes).toBe(3000);
  });

  test("a whole file claimed after it ended holds its holes to the limit", async () => {
    await using p = await pair();
    const demux = new FileDemux();
    demux.announce([1]);
    for (const r of [dataRecord(0, A), dataRecord(GiB, B), dataRecord(2 * GiB, C), eofRecord(), encodeEnd()]) await p.a.send(r);
    await demux.drain(p.b);
    expect(await demux.whole(1, 10 * MiB).then(() => "none", (e: { code?: string }) => e.code)).toBe("CORRUPT_DATA");
  });
});

const pair = () => channelPair(new MemoryTransport(), "mem");
