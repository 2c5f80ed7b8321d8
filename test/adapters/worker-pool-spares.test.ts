// A batch of files carried as bytes moves to a pool thread in one buffer, which comes back for the next batch
// (fresh memory is zeroed and faulted in page by page; a reused buffer is not). A new buffer is the size asked for,
// in whole MiB — a batch of small files needs ~1 MiB — and the smallest spare that fits is reused.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WorkerPool } from "../../src/adapters/local/worker-pool.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const META: EntryMeta = { kind: "file", size: 3, mtimeNs: 1_700_000_000_000_000_000n, mode: 0o644, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

/** Writes one 3-byte file from `buffer` through the pool; the thread hands the buffer back. */
async function writeFrom(pool: WorkerPool, buffer: ArrayBuffer, dst: string): Promise<void> {
  new Uint8Array(buffer, 0, 3).set([1, 2, 3]);
  const meter = new SharedArrayBuffer(64);
  const [r] = (await pool.run({ op: "write", jobs: [{ dst, meta: META, data: new Uint8Array(buffer, 0, 3) }], meter }, [buffer])) as { error?: unknown }[];
  expect(r?.error).toBeUndefined();
  expect([...readFileSync(dst)]).toEqual([1, 2, 3]);
}

test("new buffers are whole MiB of the size asked for; the smallest spare that fits is reused", async () => {
  using dir = makeTempDir("pool-spares");
  const pool = new WorkerPool(1, 1);
  try {
    expect(pool.buffer(10).byteLength).toBe(1 << 20);
    expect(pool.buffer((1 << 20) + 1).byteLength).toBe(2 << 20);
    const small = pool.buffer(1000);
    const large = pool.buffer(5 << 20);
    await writeFrom(pool, small, join(dir.path, "a"));
    await writeFrom(pool, large, join(dir.path, "b"));
    expect(small.byteLength).toBe(0); // moved to the thread
    // Both came back: a small batch gets the 1 MiB one, not the 5 MiB one; then the 5 MiB one serves a larger batch.
    expect(pool.buffer(4096).byteLength).toBe(1 << 20);
    expect(pool.buffer(3 << 20).byteLength).toBe(5 << 20);
    // No spare left that fits: a new one.
    expect(pool.buffer(3 << 20).byteLength).toBe(3 << 20);
  } finally {
    pool.close();
  }
});
