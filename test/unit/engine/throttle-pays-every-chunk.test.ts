// --bwlimit on received bytes (throttle.ts): every chunk is paid for before it is handed on, the
// last one too — a consumer that has its file's last bytes does not ask for more before the file
// lands, so a chunk paid only at the next read would let a run end ahead of its rate. The clock is
// frozen, so what the bucket owes once the chunk is handed on shows what was paid.
import { expect, test } from "bun:test";
import { TokenBucket } from "../../../src/domain/token-bucket.ts";
import { Pacer, throttledChannel } from "../../../src/apps/engine/throttle.ts";
import type { Channel } from "../../../src/ports/transport.ts";

const RATE = 1_000_000;

function channelOf(chunks: readonly Uint8Array[]): Channel {
  return {
    send: async () => {},
    incoming: (async function* () {
      yield* chunks;
    })(),
    end: async () => {},
    remoteAddress: "test",
    zeroCopyBytes: 0,
    [Symbol.asyncDispose]: async () => {},
  } as unknown as Channel;
}

test("the only chunk of a stream is paid for before the consumer gets it", async () => {
  const received = new TokenBucket(RATE);
  const now = () => 0;
  const throttle = { sent: new Pacer(new TokenBucket(RATE), now), received: new Pacer(received, now) };
  const chunk = new Uint8Array(received.burstBytes + 16_000);
  const reading = throttledChannel(channelOf([chunk]), throttle).incoming[Symbol.asyncIterator]();
  const first = await reading.next();
  expect(first.done === true ? 0 : first.value.length).toBe(chunk.length);
  // Booked: the burst, then 16,000 bytes at 1 MB/s — 16 ms still owed on the frozen clock.
  expect(received.reserve(0, 0)).toBeCloseTo(16, 6);
});
