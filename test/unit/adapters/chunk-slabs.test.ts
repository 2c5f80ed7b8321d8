// Received chunks are copied into reused slabs: a released chunk's memory is reused, a chunk still
// held is never overwritten.
import { expect, test } from "bun:test";
import { CHUNK_SLABS } from "../../../src/adapters/tcp/chunk-slabs.ts";

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

test("held chunks keep their bytes while released ones are reused", () => {
  const held: { copy: Uint8Array; value: number }[] = [];
  const buffers = new Set<ArrayBufferLike>();
  for (let i = 0; i < 400; i++) {
    const value = i % 251;
    const copy = CHUNK_SLABS.copy(fill(64 * 1024 + (i % 7), value));
    buffers.add(copy.buffer);
    if (i < 5) held.push({ copy, value });
    else CHUNK_SLABS.release(copy);
  }
  // 400 chunks of ~64 KiB are ~25 MiB: without reuse that would be ~25 slabs; the held chunks
  // pin the first one.
  expect(buffers.size).toBeLessThan(4);
  for (const h of held) expect(h.copy.every((b) => b === h.value)).toBe(true);
  for (const h of held) CHUNK_SLABS.release(h.copy);
});

test("a chunk larger than a slab gets memory of its own; a second release does nothing", () => {
  const big = CHUNK_SLABS.copy(fill(3 << 20, 7));
  expect(big.byteLength).toBe(3 << 20);
  expect(big.buffer.byteLength).toBe(3 << 20);
  CHUNK_SLABS.release(big);
  const a = CHUNK_SLABS.copy(fill(100, 1));
  CHUNK_SLABS.release(a);
  CHUNK_SLABS.release(a);
  const b = CHUNK_SLABS.copy(fill(100, 2));
  const c = CHUNK_SLABS.copy(fill(100, 3));
  expect([b[0], c[0], b.length, c.length]).toEqual([2, 3, 100, 100]);
});
