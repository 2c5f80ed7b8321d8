import type { WireMessage } from "./wire-schema.ts";

/** Messages queued before the call is paused (the consumer is behind), unless the caller says otherwise. */
const HIGH_WATER_MESSAGES = 256;

/** What a grpc-js call offers to read it by events. */
interface ReadableCall {
  on(event: "data", listener: (m: WireMessage) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (e: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/**
 * The messages of a grpc-js stream as an async iterator, read through its events. (Under Bun the
 * streams' own async iterators miss the end of a bidi call, so the status never arrives.)
 * Reading pauses while `highWater` messages wait; an `error` event is thrown to the consumer.
 */
export function callMessages(call: ReadableCall, highWater = HIGH_WATER_MESSAGES): AsyncIterator<WireMessage> {
  const queue: WireMessage[] = [];
  let head = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  call.on("data", (m) => {
    queue.push(m);
    if (queue.length - head > highWater) call.pause();
    poke();
  });
  call.on("end", () => {
    ended = true;
    poke();
  });
  call.on("error", (e) => {
    failure ??= e;
    ended = true;
    poke();
  });
  return {
    async next(): Promise<IteratorResult<WireMessage>> {
      for (;;) {
        if (head < queue.length) {
          const value = queue[head]!;
          queue[head++] = undefined as unknown as WireMessage;
          if (head > 1024) {
            queue.splice(0, head);
            head = 0;
          }
          if (queue.length - head === Math.floor(highWater / 2)) call.resume();
          return { value, done: false };
        }
        if (ended) {
          if (failure !== null) throw failure;
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
