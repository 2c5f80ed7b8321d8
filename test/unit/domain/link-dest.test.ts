// --link-dest's decision (domain/link-dest.ts): link an unchanged copy with the same attributes,
// compare hashes first under -c, copy otherwise.
import { expect, test } from "bun:test";
import type { EntryMeta } from "../../../src/domain/entry.ts";
import { compileFilter } from "../../../src/domain/filter.ts";
import { linkDecision } from "../../../src/domain/link-dest.ts";
import type { CompareMode, PlanOptions } from "../../../src/domain/plan.ts";

const T = 1_700_000_000_123_456_789n;
const file = (size: number, mtimeNs = T, mode = 0o644, uid = 0): EntryMeta => ({ kind: "file", size, mtimeNs, mode, uid, gid: 0 });
const options = (compare: CompareMode, over: Partial<PlanOptions> = {}): PlanOptions => ({
  compare,
  ignoreExisting: false,
  mirror: false,
  filter: compileFilter({ rules: [], filesFrom: null, minSize: null, maxSize: null }),
  mtimeGranularityNs: 1n,
  owners: false,
  ...over,
});

test("quick check: same size, mtime and mode link; any difference copies", () => {
  const q = options("quick");
  expect(linkDecision(file(10), file(10), q)).toBe("link");
  expect(linkDecision(file(10), file(11), q)).toBe("copy");
  expect(linkDecision(file(10), file(10, T + 1n), q)).toBe("copy");
  expect(linkDecision(file(10), file(10, T, 0o600), q)).toBe("copy");
  expect(linkDecision(file(10), null, q)).toBe("copy");
});

test("owners count only when kept; at a coarse granularity close mtimes match", () => {
  expect(linkDecision(file(10), file(10, T, 0o644, 5), options("quick"))).toBe("link");
  expect(linkDecision(file(10), file(10, T, 0o644, 5), options("quick", { owners: true }))).toBe("copy");
  expect(linkDecision(file(10), file(10, T + 1000n), options("quick", { mtimeGranularityNs: 1000n }))).toBe("copy");
  expect(linkDecision(file(10, T - (T % 1000n)), file(10, T - (T % 1000n) + 5n), options("quick", { mtimeGranularityNs: 1000n }))).toBe("link");
});

test("-c asks for hashes on equal size; --ignore-times links nothing; only regular files link", () => {
  expect(linkDecision(file(10), file(10), options("checksum"))).toBe("hash");
  expect(linkDecision(file(10), file(9), options("checksum"))).toBe("copy");
  expect(linkDecision(file(10), file(10), options("ignore-times"))).toBe("copy");
  const link: EntryMeta = { kind: "symlink", size: 1, mtimeNs: T, mode: 0o777, uid: 0, gid: 0, linkTarget: "x" };
  expect(linkDecision(link, link, options("quick"))).toBe("copy");
  expect(linkDecision(file(10), { ...file(10), kind: "dir" }, options("quick"))).toBe("copy");
  // --ignore-existing is about the destination, not the link-dest tree.
  expect(linkDecision(file(10), file(11), options("quick", { ignoreExisting: true }))).toBe("copy");
});
