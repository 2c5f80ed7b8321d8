// The statx a listing makes also tells what hard links and sparse files need: link count, inode, device and blocks,
// the same numbers node:fs reports.
import { describe, expect, test } from "bun:test";
import { closeSync, ftruncateSync, linkSync, lstatSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { hasLibc, lstatRaw, type RawStat } from "../../src/adapters/local/libc.ffi.ts";
import { toCPath } from "../../src/adapters/local/os-path.ts";
import { FIDELITY_TARGETS, tempDirOn } from "../harness/fidelity-fs.ts";

function raw(path: string): RawStat {
  const out: RawStat = { mode: 0, size: 0, mtimeNs: 0n, uid: 0, gid: 0 };
  expect(lstatRaw(toCPath(path), out)).toBe(0);
  return out;
}

const fromNode = (path: string) => {
  const st = lstatSync(path, { bigint: true });
  return { nlink: Number(st.nlink), ino: st.ino, dev: st.dev, blocks: Number(st.blocks) };
};

describe.skipIf(!hasLibc()).each(FIDELITY_TARGETS)("on %s", (_label, base) => {
  test("a hard-linked file: both names report one inode, device and link count 2", () => {
    using dir = tempDirOn(base, "rawstat");
    const a = join(dir.path, "a");
    writeFileSync(a, "x".repeat(10_000));
    linkSync(a, join(dir.path, "b"));
    const [ra, rb] = [raw(a), raw(join(dir.path, "b"))];
    expect({ nlink: ra.nlink, ino: ra.ino, dev: ra.dev, blocks: ra.blocks }).toEqual(fromNode(a));
    expect([rb.ino, rb.dev, rb.nlink]).toEqual([ra.ino, ra.dev, 2]);
  });

  test("a sparse file reports fewer blocks than its size", () => {
    using dir = tempDirOn(base, "rawstat");
    const p = join(dir.path, "sparse");
    const fd = openSync(p, "w");
    ftruncateSync(fd, 16 << 20);
    writeSync(fd, new Uint8Array(4096).fill(1), 0, 4096, 8 << 20);
    closeSync(fd);
    const r = raw(p);
    expect(r.blocks).toBe(fromNode(p).blocks);
    expect((r.blocks ?? 0) * 512).toBeLessThan(r.size);
  });
});

describe.skipIf(!hasLibc())("inode and device are read only where hard links need them", () => {
  test("a file with one name and a directory report inode and device 0", () => {
    using dir = tempDirOn(FIDELITY_TARGETS[0]![1], "rawstat");
    const a = join(dir.path, "a");
    writeFileSync(a, "x");
    for (const r of [raw(a), raw(dir.path)]) expect([r.ino, r.dev]).toEqual([0n, 0n]);
  });
});
