// The local pool starts with the predictor's thread count and grows, up to its maximum, when every
// thread already has a backlog (the engine adjusting to what the run shows). An eager pool (a
// daemon's) reuses an idle thread rather than starting one, and a job that finds every thread
// stuck (a hung filesystem) gets a new thread of its own.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { WorkerPool } from "../../src/adapters/local/worker-pool.ts";
import { FROZEN_FS, mountFrozenFs } from "../harness/frozen-fs.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

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

test("an eager pool gives each job to an idle thread instead of starting one", async () => {
  const pool = new WorkerPool(1, 8, true);
  try {
    for (let i = 0; i < 20; i++) expect(((await pool.run({ op: "stat", abs: "/" })) as { kind: string }).kind).toBe("dir");
    expect(pool.size).toBe(1);
  } finally {
    pool.close();
  }
});

// Skipped only where a FUSE filesystem cannot be mounted; the reason is FROZEN_FS.reason.
test.skipIf(!FROZEN_FS.ok)(`an eager pool whose every thread is stuck starts one more for the next job (${FROZEN_FS.reason})`, async () => {
  await using dir = makeTempDir("pool-frozen");
  const frozen = join(dir.path, "frozen");
  mkdirSync(frozen);
  const pool = new WorkerPool(1, 3, true);
  try {
    using _frozen = mountFrozenFs(frozen);
    const stuck = pool.run({ op: "stat", abs: join(frozen, "x") }).catch((e: unknown) => e);
    const answered = await pool.run({ op: "stat", abs: "/" });
    expect((answered as { kind: string }).kind).toBe("dir");
    expect(pool.size).toBe(2);
    void stuck;
  } finally {
    pool.close();
  }
});
