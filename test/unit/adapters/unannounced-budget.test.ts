// Data for files no request named is held only up to a budget: past it, reading the channel waits
// until a request names the file, and is refused (the error names the limit) when none does in time.
import { describe, expect, test } from "bun:test";
import { MemoryTransport } from "../../../src/adapters/memory/index.ts";
import { FileDemux } from "../../../src/adapters/blit-session/file-demux.ts";
import { FileSender } from "../../../src/adapters/blit-session/file-sender.ts";
import { UnannouncedBudget } from "../../../src/adapters/blit-session/unannounced-budget.ts";
import { encodeEnd } from "../../../src/domain/wire/frame.ts";
import { channelPair } from "../../harness/channel-pair.ts";

const pair = () => channelPair(new MemoryTransport(), "mem");
const KiB = (n: number) => new Uint8Array(n << 10).fill(7);

describe("FileDemux with an unannounced budget", () => {
  test("past the budget, unnamed data waits, and is refused naming the limit when no request names it", async () => {
    await using p = await pair();
    const demux = new FileDemux(new UnannouncedBudget(64 << 10, 200));
    const sender = new FileSender(p.a);
    const sending = (async () => {
      await sender.sendBytes(9, KiB(256));
      await sender.flush();
      await p.a.send(encodeEnd());
    })().catch(() => {});
    const e = await demux.drain(p.b).then(() => null, (x: { code?: string; details?: Record<string, unknown> }) => x);
    expect(e?.code).toBe("CORRUPT_DATA");
    expect(e?.details?.limit).toBe("maxUnannouncedBytes");
    await p.b[Symbol.asyncDispose]();
    await sending;
  });

  test("named files (announced or claimed) pass the budget; naming a waiting file lets its channel go on", async () => {
    await using p = await pair();
    const demux = new FileDemux(new UnannouncedBudget(64 << 10, 30_000));
    demux.announce([1]);
    const claimed = demux.whole(2, 1 << 20);
    const sender = new FileSender(p.a);
    const sending = (async () => {
      await sender.sendBytes(1, KiB(256));
      await sender.sendBytes(2, KiB(256));
      await sender.sendBytes(3, KiB(256));
      await sender.flush();
      await p.a.send(encodeEnd());
    })();
    const drained = demux.drain(p.b);
    // File 3 is over the budget until a request names it.
    let done = false;
    void drained.finally(() => (done = true));
    for (let i = 0; i < 50 && demux.receivedBytes < 768 << 10; i++) await Bun.sleep(5);
    expect(done).toBe(false);
    demux.announce([3]);
    await drained;
    await sending;
    const sizes = async (id: number) => (await demux.whole(id, 1 << 20)).parts.reduce((n, x) => n + x.length, 0);
    expect((await claimed).parts.reduce((n, x) => n + x.length, 0)).toBe(256 << 10);
    expect([await sizes(1), await sizes(3)]).toEqual([256 << 10, 256 << 10]);
  });
});
