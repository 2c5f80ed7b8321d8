import { describe, expect, test } from "bun:test";
import {
  attributeDifference,
  compareEntry,
  mtimeGranularity,
  sameMtime,
  type CompareDecision,
  type CompareOptions,
} from "../../../src/domain/compare.ts";
import type { EntryMeta } from "../../../src/domain/entry.ts";
import { ACL_ACCESS } from "../../../src/domain/fidelity.ts";
import type { CompareMode } from "../../../src/domain/plan.ts";

const file = (size: number, mtimeNs: bigint, mode = 0o644): EntryMeta => ({
  kind: "file",
  size,
  mtimeNs,
  mode,
  uid: 0,
  gid: 0,
});
const link = (target: string, mtimeNs = 1n): EntryMeta => ({
  kind: "symlink",
  size: target.length,
  mtimeNs,
  mode: 0o777,
  uid: 0,
  gid: 0,
  linkTarget: target,
});
const dir: EntryMeta = { kind: "dir", size: 4096, mtimeNs: 5n, mode: 0o755, uid: 0, gid: 0 };
const T = 1_700_000_000_123_456_789n;

const opts = (compare: CompareMode, extra: Partial<CompareOptions> = {}): CompareOptions => ({
  compare,
  ignoreExisting: false,
  mtimeGranularityNs: 1n,
  ...extra,
});

describe("compareEntry", () => {
  test.each<[string, EntryMeta, EntryMeta | null, CompareOptions, CompareDecision]>([
    ["missing dest sends", file(1, T), null, opts("quick"), "send"],
    ["missing dest sends even with ignore-existing", file(1, T), null, opts("quick", { ignoreExisting: true }), "send"],
    ["ignore-existing skips a changed file", file(1, T), file(2, 0n), opts("quick", { ignoreExisting: true }), "skip"],
    ["ignore-existing skips a type change", file(1, T), dir, opts("quick", { ignoreExisting: true }), "skip"],
    ["file over dir sends", file(1, T), dir, opts("quick"), "send"],
    ["file over symlink sends", file(1, T), link("x"), opts("size-only"), "send"],
    ["symlink over file sends", link("x"), file(1, T), opts("quick"), "send"],
    ["symlink same target skips", link("a/b", 1n), link("a/b", 99n), opts("quick"), "skip"],
    ["symlink same target skips under ignore-times", link("a/b"), link("a/b"), opts("ignore-times"), "skip"],
    ["symlink other target sends", link("a/b"), link("a/c"), opts("quick"), "send"],
    ["quick: equal size and mtime skips", file(10, T), file(10, T, 0o600), opts("quick"), "skip"],
    ["quick: mtime differs by 1ns sends", file(10, T), file(10, T + 1n), opts("quick"), "send"],
    ["quick: size differs sends", file(10, T), file(11, T), opts("quick"), "send"],
    ["quick: same µs at µs granularity skips", file(10, T), file(10, T - 789n), opts("quick", { mtimeGranularityNs: 1000n }), "skip"],
    ["quick: next µs at µs granularity sends", file(10, T), file(10, T + 211n), opts("quick", { mtimeGranularityNs: 1000n }), "send"],
    ["quick: same second at s granularity skips", file(10, T), file(10, 1_700_000_000_000_000_000n), opts("quick", { mtimeGranularityNs: 1_000_000_000n }), "skip"],
    ["size-only: equal size skips despite mtime", file(10, T), file(10, 0n), opts("size-only"), "skip"],
    ["size-only: size differs sends", file(10, T), file(9, T), opts("size-only"), "send"],
    ["ignore-times: identical sends", file(10, T), file(10, T), opts("ignore-times"), "send"],
    ["checksum: equal size hashes", file(10, T), file(10, 0n), opts("checksum"), "hash"],
    ["checksum: identical still hashes", file(10, T), file(10, T), opts("checksum"), "hash"],
    ["checksum: size differs sends", file(10, T), file(12, T), opts("checksum"), "send"],
  ])("%s", (_label, src, dst, options, expected) => {
    expect(compareEntry(src, dst, options)).toBe(expected);
  });
});

describe("mtimeGranularity", () => {
  test.each<[boolean, boolean, bigint]>([
    [true, true, 1n],
    [true, false, 1000n],
    [false, true, 1000n],
    [false, false, 1000n],
  ])("ns kept %p/%p → %p", (a, b, expected) => {
    expect(mtimeGranularity(a, b)).toBe(expected);
  });
});

describe("sameMtime", () => {
  test.each<[bigint, bigint, bigint, boolean]>([
    [5n, 5n, 1n, true],
    [5n, 6n, 1n, false],
    [1000n, 1999n, 1000n, true],
    [999n, 1000n, 1000n, false],
    [-1n, -999n, 1000n, true],
    [-1n, 0n, 1000n, false],
    [-1000n, -1001n, 1000n, false],
    [7n, 8n, 0n, false],
  ])("%p vs %p at %p → %p", (a, b, g, expected) => {
    expect(sameMtime(a, b, g)).toBe(expected);
  });
});

describe("attributeDifference (what a transfer sets on a kept entry; blit check's reason)", () => {
  const at = { owners: false, mtimeGranularityNs: 1n };
  const v = (s: string) => new TextEncoder().encode(s);
  const base: EntryMeta = { ...file(1, 5n), xattrs: [[ACL_ACCESS, v("a")], ["user.k", v("1")]] };
  const dir: EntryMeta = { ...base, kind: "dir", size: 0 };

  test("the first that differs, in order: mode, mtime, xattrs, acls, owner (only when compared)", () => {
    expect(attributeDifference(base, base, at)).toBeNull();
    expect(attributeDifference(base, { ...base, mode: 0o600, mtimeNs: 6n, xattrs: [] }, at)).toBe("mode");
    expect(attributeDifference(base, { ...base, mtimeNs: 6n, xattrs: [] }, at)).toBe("mtime");
    expect(attributeDifference(base, { ...base, xattrs: [[ACL_ACCESS, v("b")]] }, at)).toBe("xattrs");
    expect(attributeDifference(base, { ...base, xattrs: [[ACL_ACCESS, v("b")], ["user.k", v("1")]] }, at)).toBe("acls");
    expect(attributeDifference(base, { ...base, uid: 7 }, at)).toBeNull();
    expect(attributeDifference(base, { ...base, uid: 7 }, { ...at, owners: true })).toBe("owner");
  });

  test("attributes count only when both sides read them; directories are not compared by mtime; other kinds never", () => {
    expect(attributeDifference(base, { ...base, xattrs: undefined }, at)).toBeNull();
    expect(attributeDifference(dir, { ...dir, mtimeNs: 99n }, at)).toBeNull();
    expect(attributeDifference(dir, { ...dir, mode: 0o700 }, at)).toBe("mode");
    expect(attributeDifference(link("x"), { ...link("x"), mode: 0o600 }, at)).toBeNull();
    expect(attributeDifference(base, dir, at)).toBeNull();
  });
});
