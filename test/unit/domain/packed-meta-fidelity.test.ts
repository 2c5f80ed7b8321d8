// Packed records carry what fidelity needs across a daemon (PROTOCOL.md "Packed entries"): attributes and ACLs,
// inode identity, block counts; a record without them stays without them (a side that does not read attributes).
import { expect, test } from "bun:test";
import type { DirEntry } from "../../../src/domain/entry.ts";
import { isBlitError } from "../../../src/domain/errors.ts";
import { packEntries, unpackEntries } from "../../../src/domain/wire/packed-meta.ts";

const base = { size: 10, mtimeNs: 1_700_000_000_000_000_001n, mode: 0o644, uid: 1, gid: 2 };
const entries: DirEntry[] = [
  { name: "plain", meta: { kind: "file", ...base } },
  { name: "none", meta: { kind: "file", ...base, xattrs: [] } },
  {
    name: "attrs",
    meta: { kind: "file", ...base, xattrs: [["system.posix_acl_access", new Uint8Array([2, 0, 0, 0, 1, 0, 6, 0])], ["user.\udcffx", new Uint8Array([0, 255])]] },
  },
  { name: "linked", meta: { kind: "file", ...base, inode: { dev: 2n ** 63n + 5n, ino: 2n ** 60n, nlink: 3 } } },
  { name: "sparse", meta: { kind: "file", ...base, size: 64 << 20, blocks: 2048, xattrs: [["user.a", new Uint8Array()]] } },
  { name: "ln", meta: { kind: "symlink", ...base, size: 0, linkTarget: "plain", inode: { dev: 1n, ino: 9n, nlink: 2 } } },
];

test("attributes (names as bytes, empty values), inodes past 2^53 and block counts round-trip; absent stays absent", () => {
  const back = unpackEntries(packEntries(entries));
  expect(back).toEqual(entries);
  expect("xattrs" in back[0]!.meta).toBe(false);
  expect(back[1]!.meta.xattrs).toEqual([]);
});

test("unknown fidelity flags, an absurd attribute count or a cut attribute are CORRUPT_DATA", () => {
  const one = packEntries([entries[0]!]);
  const flags = one.length - 1;
  const corrupt = (bytes: Uint8Array) => {
    try {
      unpackEntries(bytes);
    } catch (e) {
      return isBlitError(e) && e.code === "CORRUPT_DATA";
    }
    return false;
  };
  const bad = one.slice();
  bad[flags] = 8;
  expect(corrupt(bad)).toBe(true);
  const many = new Uint8Array(one.length + 4);
  many.set(one);
  many[flags] = 1;
  new DataView(many.buffer).setUint32(flags + 1, 1 << 30, true);
  expect(corrupt(many)).toBe(true);
  const attrs = packEntries([entries[2]!]);
  expect(corrupt(attrs.subarray(0, attrs.length - 1))).toBe(true);
});
