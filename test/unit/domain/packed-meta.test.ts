import { describe, expect, test } from "bun:test";
import type { DirEntry } from "../../../src/domain/entry.ts";
import { PackReader, PackWriter, packEntries, unpackEntries } from "../../../src/domain/wire/packed-meta.ts";

const entries: DirEntry[] = [
  { name: "a.txt", meta: { kind: "file", size: 5, mtimeNs: 1_600_000_000_123_456_789n, mode: 0o640, uid: 1000, gid: 100 } },
  { name: "dir", meta: { kind: "dir", size: 0, mtimeNs: -1_500_000_001n, mode: 0o755, uid: 0, gid: 0 } },
  { name: "ln", meta: { kind: "symlink", size: 0, mtimeNs: 0n, mode: 0o777, uid: 0, gid: 0, linkTarget: "../a.txt" } },
  { name: "f\udcff.bin", meta: { kind: "file", size: 2 ** 40, mtimeNs: 4_000_000_000_000_000_000n, mode: 0o4755, uid: 4294967294, gid: 65534 } },
  { name: "fifo", meta: { kind: "special", size: 0, mtimeNs: 1n, mode: 0o600, uid: 0, gid: 0 } },
];

describe("packed entries (control-plane listings and batches)", () => {
  test("round-trip names (non-UTF-8 too), kinds, sizes past 4 GiB, negative and far mtimes, symlink targets", () => {
    expect(unpackEntries(packEntries(entries))).toEqual(entries);
    expect(unpackEntries(new Uint8Array())).toEqual([]);
  });

  test("callers' own fields around records survive", () => {
    const w = new PackWriter();
    w.u32(7);
    w.f64(123456789012);
    w.record("x/y", entries[0]!.meta);
    w.name("tail");
    const r = new PackReader(w.bytes());
    expect([r.u32(), r.f64(), r.record(), r.name(), r.done]).toEqual([7, 123456789012, { name: "x/y", meta: entries[0]!.meta }, "tail", true]);
  });

  test("a cut, lying or unknown input is CORRUPT_DATA", () => {
    const bytes = packEntries(entries);
    for (const cut of [1, 4, 10, bytes.length - 1]) expect(() => unpackEntries(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: "CORRUPT_DATA" }));
    const lying = packEntries(entries.slice(0, 1));
    new DataView(lying.buffer).setUint32(0, 0xffffffff, true);
    expect(() => unpackEntries(lying)).toThrow(expect.objectContaining({ code: "CORRUPT_DATA" }));
    const kind = packEntries(entries.slice(0, 1));
    kind[4 + 5] = 9;
    expect(() => unpackEntries(kind)).toThrow(expect.objectContaining({ code: "CORRUPT_DATA" }));
  });
});
