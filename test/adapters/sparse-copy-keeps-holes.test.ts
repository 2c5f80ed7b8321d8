// A 100 MiB file holding 1 MiB of data, copied extent by extent onto a new file: the copy has the same bytes, the
// same data extents and about the same st_blocks (the holes stay holes), on tmpfs and on the disk.
import { describe, expect, test } from "bun:test";
import { closeSync, constants, ftruncateSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { copySparse, dataExtents, mayHaveHoles, type Extent } from "../../src/adapters/local/sparse-extents.ts";
import { FIDELITY_TARGETS, tempDirOn } from "../harness/fidelity-fs.ts";

const MiB = 1 << 20;

/** Writes a file of `size` bytes whose only data are `chunks` ([offset, length], filled with non-zero bytes). */
function writeSparse(path: string, size: number, chunks: readonly (readonly [number, number])[]): void {
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, size);
    for (const [offset, length] of chunks) writeSync(fd, new Uint8Array(length).fill(offset % 251 + 1), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Copies `src` onto a new file `dst` with copySparse; returns the outcome and the chunk sizes reported. */
function copy(src: string, dst: string): { bytes: number; zeroCopyBytes: number; reported: number } {
  const fdIn = openSync(src, "r");
  const fdOut = openSync(dst, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
  let reported = 0;
  try {
    return { ...copySparse(fdIn, fdOut, statSync(src).size, new Uint8Array(256 * 1024), (n) => (reported += n)), reported };
  } finally {
    closeSync(fdIn);
    closeSync(fdOut);
  }
}

function extentsOf(path: string): Extent[] {
  const fd = openSync(path, "r");
  try {
    return [...dataExtents(fd, statSync(path).size)];
  } finally {
    closeSync(fd);
  }
}

const sameBytes = (a: string, b: string): boolean => Buffer.from(readFileSync(a)).equals(readFileSync(b));

describe.each(FIDELITY_TARGETS)("on %s", (_label, base) => {
  test("100 MiB with 1 MiB of data: the copy allocates about 1 MiB, holds the same bytes and extents", () => {
    using dir = tempDirOn(base, "sparse");
    const src = join(dir.path, "disk.img");
    const dst = join(dir.path, "copy.img");
    writeSparse(src, 100 * MiB, [[0, 256 * 1024], [10 * MiB, 256 * 1024], [50 * MiB, 256 * 1024], [99 * MiB, 256 * 1024]]);
    const s = statSync(src);
    expect(mayHaveHoles(s.size, s.blocks)).toBe(true);
    expect(extentsOf(src)).toEqual([
      { offset: 0, length: 256 * 1024 },
      { offset: 10 * MiB, length: 256 * 1024 },
      { offset: 50 * MiB, length: 256 * 1024 },
      { offset: 99 * MiB, length: 256 * 1024 },
    ]);

    const outcome = copy(src, dst);
    expect(outcome).toEqual({ bytes: MiB, zeroCopyBytes: MiB, reported: MiB }); // one filesystem: copy_file_range
    const d = statSync(dst);
    expect(d.size).toBe(100 * MiB);
    // st_blocks: 512-byte units; 1 MiB of data is 2048 of them. A filesystem may add a few metadata blocks.
    expect(s.blocks).toBeLessThan(2048 + 64);
    expect(d.blocks).toBeLessThanOrEqual(s.blocks + 64);
    expect(extentsOf(dst)).toEqual(extentsOf(src));
    expect(sameBytes(src, dst)).toBe(true);
  });

  test("data up to the last byte, and a file that is one hole", () => {
    using dir = tempDirOn(base, "sparse");
    const tail = join(dir.path, "tail");
    writeSparse(tail, 8 * MiB, [[8 * MiB - 4096, 4096]]);
    copy(tail, join(dir.path, "tail.copy"));
    expect(extentsOf(join(dir.path, "tail.copy"))).toEqual([{ offset: 8 * MiB - 4096, length: 4096 }]);
    expect(sameBytes(tail, join(dir.path, "tail.copy"))).toBe(true);

    const hole = join(dir.path, "hole");
    writeSparse(hole, 8 * MiB, []);
    expect(copy(hole, join(dir.path, "hole.copy")).bytes).toBe(0);
    expect(statSync(join(dir.path, "hole.copy"))).toMatchObject({ size: 8 * MiB, blocks: 0 });
  });

  test("a dense file is one extent and copies whole; an empty file copies to an empty file", () => {
    using dir = tempDirOn(base, "sparse");
    const dense = join(dir.path, "dense");
    writeSparse(dense, 3 * MiB + 17, [[0, 3 * MiB + 17]]);
    const s = statSync(dense);
    expect(mayHaveHoles(s.size, s.blocks)).toBe(false);
    expect(extentsOf(dense)).toEqual([{ offset: 0, length: 3 * MiB + 17 }]);
    expect(copy(dense, join(dir.path, "dense.copy")).bytes).toBe(3 * MiB + 17);
    expect(sameBytes(dense, join(dir.path, "dense.copy"))).toBe(true);

    const empty = join(dir.path, "empty");
    writeSparse(empty, 0, []);
    expect(copy(empty, join(dir.path, "empty.copy")).bytes).toBe(0);
    expect(statSync(join(dir.path, "empty.copy")).size).toBe(0);
  });
});

test("a chunk callback that throws stops the copy (cancellation)", () => {
  using dir = tempDirOn(FIDELITY_TARGETS[0]?.[1] ?? "/tmp", "sparse");
  const src = join(dir.path, "src");
  writeSparse(src, 64 * MiB, [[0, MiB], [32 * MiB, MiB]]);
  const fdIn = openSync(src, "r");
  const fdOut = openSync(join(dir.path, "dst"), "w");
  try {
    expect(() => copySparse(fdIn, fdOut, 64 * MiB, new Uint8Array(65536), () => {
      throw new Error("cancelled");
    })).toThrow("cancelled");
  } finally {
    closeSync(fdIn);
    closeSync(fdOut);
  }
});

const TMPFS = FIDELITY_TARGETS.find(([label]) => label === "tmpfs")?.[1];
const DISK = FIDELITY_TARGETS.find(([label]) => label === "disk")?.[1] ?? "/tmp";

test.skipIf(TMPFS === undefined)("across filesystems (tmpfs to disk: copy_file_range refused) the read/write path keeps the holes too", () => {
  using from = tempDirOn(TMPFS ?? "/dev/shm", "sparse");
  using to = tempDirOn(DISK, "sparse");
  const src = join(from.path, "src");
  const dst = join(to.path, "dst");
  writeSparse(src, 40 * MiB, [[MiB, MiB], [20 * MiB, 4096]]);
  expect(copy(src, dst)).toEqual({ bytes: MiB + 4096, zeroCopyBytes: 0, reported: MiB + 4096 });
  expect(extentsOf(dst)).toEqual(extentsOf(src));
  expect(statSync(dst).blocks).toBeLessThanOrEqual(statSync(src).blocks + 64);
  expect(sameBytes(src, dst)).toBe(true);
});
