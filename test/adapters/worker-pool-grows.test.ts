// The local pool starts with the predictor's thread count and grows, up to its maximum, when every
// thread already has a backlog (the engine adjusting to what the run shows).
import { expect, test } from "bun:test";
import { WorkerPool } from "../../src/adapters/local/worker-pool.ts";

test("a backlog on every thread starts one more, never past the maximum", async () => {
  const pool = new WorkerPool(1, 2);
  try {
    expect(pool.size).toBe(1);
    const jobs = [pool.run({ op: "stat", abs: "/" }), pool.run({ op: "stat", abs: "/" })];
    expect(pool.size).toBe(1); // one thread with two queued jobs: not yet a backlog on arrival
    jobs.push(pool.run({ op: "stat", abs: "/" }));
    expect(pool.size).toBe(2);
    for (let i = 0; i < 8; i++) jobs.push(pool.run({ op: "stat", abs: "/" }));
    expect(pool.size).toBe(2);
    const results = await Promise.all(jobs);
    expect(results.every((r) => r !== null && (r as { kind: string }).kind === "dir")).toBe(true);
  } finally {
    pool.close();
  }
});

test("without a backlog the pool keeps its initial size", async () => {
  const pool = new WorkerPool(1, 4);
  try {
    for (let i = 0; i < 5; i++) await pool.run({ op: "stat", abs: "/" });
    expect(pool.size).toBe(1);
  } finally {
    pool.close();
  }
});
