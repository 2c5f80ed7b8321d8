import { expect, test } from "bun:test";
import { visitAll } from "../../../src/apps/engine/visit-all.ts";

const tick = () => new Promise<void>((r) => setImmediate(r));

test("visits items added on the way, never more than the limit at once", async () => {
  const seen: number[] = [];
  let running = 0;
  let peak = 0;
  await visitAll([1], 3, async (n, pending) => {
    running++;
    peak = Math.max(peak, running);
    seen.push(n);
    await tick();
    if (n < 40) pending.push(n * 2, n * 2 + 1);
    running--;
  }, () => {});
  expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 79 }, (_, i) => i + 1));
  expect(peak).toBe(3);
});

test("a failure stops new visits, lets running ones end, then rejects with it", async () => {
  const ended: number[] = [];
  const pending = [5, 4, 3, 2, 1];
  const run = visitAll(pending, 2, async (n) => {
    await tick();
    if (n === 1) throw new Error("boom");
    await tick();
    ended.push(n);
  }, () => {});
  await expect(run).rejects.toThrow("boom");
  expect(ended).toEqual([2]);
  expect(pending).toEqual([5, 4, 3]);
});

test("check throwing (cancellation) ends the walk with its error", async () => {
  let visits = 0;
  const run = visitAll([1, 2, 3, 4], 1, async () => {
    visits++;
    await tick();
  }, () => {
    if (visits >= 2) throw new Error("cancelled");
  });
  await expect(run).rejects.toThrow("cancelled");
  expect(visits).toBe(2);
});
