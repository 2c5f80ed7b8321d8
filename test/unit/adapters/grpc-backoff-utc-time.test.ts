// grpc-js's connection backoff computes its deadlines from UTC time values (scripts/patches/@grpc%2Fgrpc-js@1.14.7.patch,
// applied by `bun install`): its local-time Date setter made JavaScriptCore load the time-zone rules in every
// client, 4–8 ms of each run's start (DEVLOG 2026-12-04). The timer still fires, and a reset while it runs still
// reschedules it.
import { afterEach, expect, test } from "bun:test";
import { BackoffTimeout } from "@grpc/grpc-js/build/src/backoff-timeout.js";
import { pollUntil } from "../../harness/process-probe.ts";

const SETTERS = ["setMilliseconds", "setSeconds", "setMinutes", "setHours", "setDate", "setMonth", "setFullYear"] as const;
const saved = SETTERS.map((name) => [name, Date.prototype[name]] as const);
afterEach(() => {
  for (const [name, original] of saved) Object.defineProperty(Date.prototype, name, { value: original, writable: true, configurable: true });
});

/** Records every local-time setter call from now on (the originals still run). */
function watchLocalSetters(): string[] {
  const called: string[] = [];
  for (const [name, original] of saved) {
    Object.defineProperty(Date.prototype, name, {
      value: function (this: Date, ...args: number[]) {
        called.push(name);
        return (original as (...a: number[]) => number).apply(this, args);
      },
      writable: true,
      configurable: true,
    });
  }
  return called;
}

test("the backoff timer fires, and reschedules on reset, without a local-time Date setter", async () => {
  const called = watchLocalSetters();
  let fired = 0;
  const timer = new BackoffTimeout(() => fired++, { initialDelay: 5, maxDelay: 20 });
  timer.runOnce();
  timer.reset();
  expect(timer.isRunning()).toBe(true);
  expect(await pollUntil(() => (fired > 0 ? fired : undefined), "the backoff timer to fire", 10_000)).toBe(1);
  expect(called).toEqual([]);
});
