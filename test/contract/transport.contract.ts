// The Transport contract (src/ports/transport.ts): every data-plane adapter runs this suite on
// loopback, port 0 — and, through the engine's token check, the data-plane authentication rules.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { DataPort } from "../../src/adapters/blit-session/data-port.ts";
import { openDataPlane } from "../../src/adapters/blit-session/data-dial.ts";
import { FileDemux } from "../../src/adapters/blit-session/file-demux.ts";
import { FileSender } from "../../src/adapters/blit-session/file-sender.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { encodeEnd, encodeHello } from "../../src/domain/wire/frame.ts";
import type { Channel, Transport } from "../../src/ports/transport.ts";

const HOST = "127.0.0.1";

async function collect(c: Channel): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of c.incoming) parts.push(p);
  return Buffer.concat(parts);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "none";
  } catch (e) {
    return isBlitError(e) ? e.code : String(e);
  }
}

/** Runs the contract against `make()` (a fresh transport). */
export function describeTransportContract(name: string, make: () => Transport): void {
  describe(`${name} transport`, () => {
    test("a 128 KiB payload and many small sends arrive in order and unchanged; end ends the stream", async () => {
      const t = make();
      await using l = await t.listen({ host: HOST, port: 0 });
      const [a, b] = await Promise.all([t.dial(l.address), l.accept()]);
      const big = new Uint8Array(randomBytes(128 * 1024));
      const small = Array.from({ length: 200 }, (_, i) => Uint8Array.of(i & 0xff, (i >> 8) & 0xff));
      const got = collect(b);
      await a.send(big);
      for (const s of small) await a.send(s);
      await a.end();
      expect(Buffer.from(await got).equals(Buffer.concat([big, ...small]))).toBe(true);
      await a[Symbol.asyncDispose]();
      await b[Symbol.asyncDispose]();
    });

    test("the peer vanishing without end is PEER_CLOSED; send after dispose is CANCELLED", async () => {
      const t = make();
      await using l = await t.listen({ host: HOST, port: 0 });
      const [a, b] = await Promise.all([t.dial(l.address), l.accept()]);
      const reading = codeOf(collect(b));
      await a.send(Uint8Array.of(1));
      await a[Symbol.asyncDispose]();
      expect(await reading).toBe("PEER_CLOSED");
      expect(await codeOf(a.send(Uint8Array.of(2)))).toBe("CANCELLED");
      await b[Symbol.asyncDispose]();
    });

    test("a slow reader holds the sender back (backpressure) and still gets every byte", async () => {
      const t = make();
      await using l = await t.listen({ host: HOST, port: 0 });
      const [a, b] = await Promise.all([t.dial(l.address), l.accept()]);
      const chunk = new Uint8Array(1 << 20).fill(7);
      const sending = (async () => {
        for (let i = 0; i < 48; i++) await a.send(chunk);
        await a.end();
      })();
      let total = 0;
      for await (const p of b.incoming) {
        total += p.length;
        if (total < 4 << 20) await Bun.sleep(0);
      }
      await sending;
      expect(total).toBe(48 << 20);
      await a[Symbol.asyncDispose]();
      await b[Symbol.asyncDispose]();
    });

    test("data-plane auth: the right token gets GO and carries records; bad tokens, garbage and a replayed token are closed (PEER_CLOSED)", async () => {
      const t = make();
      const l = await t.listen({ host: HOST, port: 0 });
      await using port = new DataPort([l], (n) => new Uint8Array(randomBytes(n)));
      const claim = port.expect(1);
      const bad = await t.dial(l.address);
      await bad.send(encodeHello(new Uint8Array(32)));
      expect(await codeOf(collect(bad))).toBe("PEER_CLOSED");
      const garbage = await t.dial(l.address);
      await garbage.send(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
      expect(await codeOf(collect(garbage))).toBe("PEER_CLOSED");
      const neg = { dataPort: l.address.port, token: claim.token, streams: 1, grpcData: false, fallbackReason: "" };
      const plane = await openDataPlane(neg, HOST, l.address.port, new Map([["tcp", { transport: t, door: "data-port" as const }], ["grpc", { transport: t, door: "control-port" as const }]]), false, new AbortController().signal);
      const [server] = await claim.channels;
      const sender = new FileSender(plane.channels[0]!);
      await sender.sendStream(7, () => new Blob(["hello"]).stream(), 0);
      await sender.flush();
      await plane.channels[0]!.send(encodeEnd());
      const demux = new FileDemux();
      const draining = demux.drain(server!);
      expect(await new Response(demux.stream(7)).text()).toBe("hello");
      await draining;
      const replay = await t.dial(l.address);
      await replay.send(encodeHello(claim.token));
      expect(await codeOf(collect(replay))).toBe("PEER_CLOSED");
      expect(port.rejected).toBe(3);
      for (const c of [...plane.channels, server!, bad, garbage, replay]) await c[Symbol.asyncDispose]();
      await l[Symbol.asyncDispose]();
    });
  });
}
