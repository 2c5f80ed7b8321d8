// cross-store-write.ts: between two stores of different kinds the bytes travel as WriteOp.bytes
// (here memory into the local disk, both write routes of LocalStore: gathered small files and a
// streamed large one); between two LocalStores the destination copies directly (DirectCopies).
import { expect, test } from "bun:test";
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyFileRange, LocalStore } from "../../src/adapters/local/index.ts";
import { MemoryStore, MemoryTree } from "../../src/adapters/memory/index.ts";
import { writeAcross } from "../../src/apps/engine/cross-store-write.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const BIG = 3 << 20;

test("memory to disk: small and large files land whole with their mtimes, through WriteOp.bytes", async () => {
  using tmp = makeTempDir("across-memory");
  const tree = new MemoryTree();
  tree.putFile("src/small.txt", "small", { mtimeNs: 1_600_000_000_000_000_123n });
  tree.putFile("src/big.bin", new Uint8Array(BIG).fill(7), { mtimeNs: 1_600_000_000_000_000_456n });
  const src = new MemoryStore(tree, "/src");
  await using dst = new LocalStore({ root: tmp.path, cleanTemporaries: true, maxThreads: null });
  const [small, big] = await Promise.all([src.stat("small.txt"), src.stat("big.bin")]);
  const results = await writeAcross(dst, src, [
    { path: "small.txt", meta: small!, from: "small.txt" },
    { path: "copy.bin", meta: big!, from: "big.bin" },
  ]);
  expect(results.map((r) => [r.path, r.bytes, r.zeroCopyBytes, r.error?.code ?? null])).toEqual([
    ["small.txt", 5, 0, null],
    ["copy.bin", BIG, 0, null],
  ]);
  expect(readFileSync(join(tmp.path, "small.txt"), "utf8")).toBe("small");
  expect(readFileSync(join(tmp.path, "copy.bin")).equals(Buffer.alloc(BIG, 7))).toBe(true);
  expect(statSync(join(tmp.path, "copy.bin"), { bigint: true }).mtimeNs).toBe(1_600_000_000_000_000_456n);
});

test("disk to memory: the memory store gets the bytes through FileBytes.read", async () => {
  using tmp = makeTempDir("across-disk");
  writeFileSync(join(tmp.path, "a.txt"), "from disk");
  await using src = new LocalStore({ root: tmp.path, cleanTemporaries: false, maxThreads: null });
  const tree = new MemoryTree();
  tree.mkdirs("dst");
  const dst = new MemoryStore(tree, "/dst");
  const [r] = await writeAcross(dst, src, [{ path: "b.txt", meta: (await src.stat("a.txt"))!, from: "a.txt" }]);
  expect(r?.error).toBeUndefined();
  expect(tree.text("dst/b.txt")).toBe("from disk");
});

test("disk to disk: the destination copies directly from the other LocalStore, zero-copy for a large file", async () => {
  using tmp = makeTempDir("across-direct");
  writeFileSync(join(tmp.path, "big.bin"), Buffer.alloc(BIG, 3));
  await using src = new LocalStore({ root: tmp.path, cleanTemporaries: false, maxThreads: null });
  await using dst = new LocalStore({ root: join(tmp.path, "out"), cleanTemporaries: true, maxThreads: null });
  expect(dst.copiesFrom(src)).toBe(true);
  await dst.write([{ path: "", meta: { kind: "dir", size: 0, mtimeNs: 0n, mode: 0o755, uid: 0, gid: 0 } }]);
  const [r] = await writeAcross(dst, src, [{ path: "big.bin", meta: (await src.stat("big.bin"))!, from: "big.bin" }]);
  expect(r?.error).toBeUndefined();
  expect(readFileSync(join(tmp.path, "out", "big.bin")).equals(Buffer.alloc(BIG, 3))).toBe(true);
  // Only the direct copy goes zero-copy (bytes handed over are written by the buffered path), where
  // the filesystem takes copy_file_range at all.
  expect(r?.zeroCopyBytes).toBe(copyOffloadWorks(tmp.path) ? BIG : 0);
});

function copyOffloadWorks(dir: string): boolean {
  writeFileSync(join(dir, "probe-in"), Buffer.alloc(4096, 1));
  const [fdIn, fdOut] = [openSync(join(dir, "probe-in"), "r"), openSync(join(dir, "probe-out"), "w")];
  try {
    return copyFileRange(fdIn, 0, fdOut, 0, 4096) > 0;
  } finally {
    closeSync(fdIn);
    closeSync(fdOut);
  }
}
