// FileDemux hands each file's bytes out as a stream or whole, whichever side comes first, and
// holds a peer to what it announced (offsets, a whole file's size limit).
import { describe, expect, test } from "bun:test";
import { MemoryTransport } from "../../../src/adapters/memory/index.ts";
import { FileDemux } from "../../../src/adapters/blit-session/file-demux.ts";
import { FileSender } from "../../../src/adapters/blit-session/file-sender.ts";
import { BlitError } from "../../../src/domain/errors.ts";
import { recordDigest } from "../../../src/adapters/blit-session/file-digest.ts";
import { DATA_HEADER_BYTES, EOF_BYTES, encodeEnd, writeDataHeader, writeEof } from "../../../src/domain/wire/frame.ts";
import type { Channel } from "../../../src/ports/transport.ts";
import { channelPair } from "../../harness/channel-pair.ts";

const pair = () => channelPair(new MemoryTransport(), "mem");

const text = (file: { parts: Uint8Array[] }) => new TextDecoder().decode(Buffer.concat(file.parts));

/** A DATA record of `bytes` for file `fileId`, then an EOF with `eofDigest` (and the changed flag). */
function recordsOf(fileId: number, bytes: Uint8Array, eofDigest: Uint8Array, changed = false): Uint8Array {
  const out = new Uint8Array(DATA_HEADER_BYTES + bytes.length + EOF_BYTES);
  writeDataHeader(out, 0, fileId, 0, bytes.length);
  out.set(bytes, DATA_HEADER_BYTES);
  writeEof(out, DATA_HEADER_BYTES + bytes.length, fileId, bytes.length, eofDigest, changed);
  return out;
}

describe("FileDemux", () => {
  test("a file whose bytes differ from its EOF digest fails with CORRUPT_DATA; one flagged as changed at its source lands", async () => {
    await using p = await pair();
    const { a, b } = p;
    const demux = new FileDemux();
    const enc = (t: string) => new TextEncoder().encode(t);
    const codeOf = (p: Promise<unknown>) => p.then(() => "none", (e: { code?: string }) => e.code);
    const flipped = codeOf(demux.whole(1, 100));
    const changed = demux.whole(2, 100);
    const exact = demux.whole(3, 100);
    await a.send(recordsOf(1, enc("hello"), recordDigest(enc("hellp"))));
    await a.send(recordsOf(2, enc("hello"), recordDigest(enc("hellp")), true));
    await a.send(recordsOf(3, enc("hello"), recordDigest(enc("hello"))));
    // Several records of one file: every record counts, in order.
    const sender = new FileSender(a);
    const chunks = ["ab", "cd", "ef"].map(enc);
    await sender.sendStream(4, () => new ReadableStream({ start: (c) => (chunks.forEach((x) => c.enqueue(x)), c.close()) }), 0);
    await sender.flush();
    await a.send(encodeEnd());
    const streamed = new Response(demux.stream(4)).text();
    await demux.drain(b);
    expect(await flipped).toBe("CORRUPT_DATA");
    expect(text(await changed)).toBe("hello");
    expect([...demux.changedIds]).toEqual([2]);
    expect(text(await exact)).toBe("hello");
    expect(await streamed).toBe("abcdef");
  });

  test("whole() before or after the records arrive gives the file; stream() keeps working alongside", async () => {
    await using p = await pair();
    const { a, b } = p;
    const demux = new FileDemux();
    const early = demux.whole(1, 100);
    const sender = new FileSender(a);
    await sender.sendBytes(1, new TextEncoder().encode("first"));
    await sender.sendBytes(2, new TextEncoder().encode("second"));
    await sender.sendBytes(3, new TextEncoder().encode("third"));
    await sender.flush();
    await a.send(encodeEnd());
    await demux.drain(b);
    expect(text(await early)).toBe("first");
    expect(text(await demux.whole(2, 100))).toBe("second");
    expect(await new Response(demux.stream(3)).text()).toBe("third");
  });

  test("a whole file past its limit, a FAIL record and a lost connection reject with their codes", async () => {
    await using p = await pair();
    const { a, b } = p;
    const demux = new FileDemux();
    const codeOf = (p: Promise<unknown>) => p.then(() => "none", (e: { code?: string }) => e.code);
    const tooBig = codeOf(demux.whole(1, 4));
    const failed = codeOf(demux.whole(2, 100));
    const cut = codeOf(demux.whole(3, 100));
    const sender = new FileSender(a);
    await sender.sendBytes(1, new TextEncoder().encode("12345"));
    await sender.fail(2, new BlitError("NOT_FOUND", "gone"));
    await sender.flush();
    const draining = codeOf(demux.drain(b));
    expect([await tooBig, await failed]).toEqual(["CORRUPT_DATA", "NOT_FOUND"]);
    await a[Symbol.asyncDispose]();
    expect([await draining, await cut]).toEqual(["PEER_CLOSED", "PEER_CLOSED"]);
  });

  test("a connection that ends between records without END (a killed peer) fails the files still open", async () => {
    await using p = await pair();
    const { a, b } = p;
    const demux = new FileDemux();
    const open = demux.whole(1, 100).then(() => "none", (e: { code?: string }) => e.code);
    // A whole DATA record of file 1, then the end of the connection: no EOF, no END.
    const record = new Uint8Array(DATA_HEADER_BYTES + 4);
    writeDataHeader(record, 0, 1, 0, 4);
    record.set(new TextEncoder().encode("part"), DATA_HEADER_BYTES);
    await a.send(record);
    await a.end();
    const drained = await demux.drain(b).then(() => "none", (e: { code?: string }) => e.code);
    expect([drained, await open]).toEqual(["PEER_CLOSED", "PEER_CLOSED"]);
  });

  test("a channel that takes chunks back gets each once, only after the small files kept from it were released", async () => {
    await using p = await pair();
    const { a, b } = p;
    const released: Uint8Array[] = [];
    const lending: Channel = { send: (x) => b.send(x), end: () => b.end(), incoming: b.incoming, release: (c) => void released.push(c), [Symbol.asyncDispose]: () => b[Symbol.asyncDispose]() };
    const demux = new FileDemux();
    const sender = new FileSender(a);
    await sender.sendBytes(1, new TextEncoder().encode("kept"));
    await sender.sendBytes(2, new TextEncoder().encode("streamed"));
    await sender.flush();
    await a.send(encodeEnd());
    const streamed = new Response(demux.stream(2)).text();
    await demux.drain(lending);
    const file = await demux.whole(1, 100);
    expect(released).toEqual([]);
    expect(text(file)).toBe("kept");
    file.release();
    file.release();
    expect(released.length).toBe(1);
    expect(await streamed).toBe("streamed");
  });

  test("a resumed file's bytes start at the claimed offset; any other start fails that file", async () => {
    await using p = await pair();
    const { a, b } = p;
    const demux = new FileDemux();
    const sender = new FileSender(a);
    await sender.sendStream(1, () => new Blob(["tail"]).stream(), 10);
    await sender.sendStream(2, () => new Blob(["tail"]).stream(), 10);
    await sender.flush();
    await a.send(encodeEnd());
    await demux.drain(b);
    expect(await new Response(demux.stream(1, 10)).text()).toBe("tail");
    await expect(new Response(demux.stream(2, 0)).text()).rejects.toMatchObject({ code: "CORRUPT_DATA" });
  });
});
