import { expect, test } from "bun:test";
import type { EntryMeta } from "../../../src/domain/entry.ts";
import { isClientLink, markClientLink, ownedByModule, shownMeta, unmarkClientLink } from "../../../src/domain/received-entry.ts";

const file: EntryMeta = { kind: "file", size: 1, mtimeNs: 1n, mode: 0o7755, uid: 0, gid: 0 };

test("a module that does not keep owners gives entries its owner and drops set-uid and set-gid, keeping the sticky bit", () => {
  expect(ownedByModule(file, { uid: 42, gid: 43 })).toEqual({ ...file, mode: 0o1755, uid: 42, gid: 43 });
  expect(ownedByModule({ ...file, kind: "dir", mode: 0o2775 }, { uid: 0, gid: 0 }).mode).toBe(0o775);
});

test("client link targets are stored behind the prefix and shown as sent", () => {
  for (const target of ["/", "../../etc", "a/b", "", "caf\\xe9"]) {
    const stored = markClientLink(target);
    expect(stored.startsWith("/blit-munged/")).toBe(true);
    expect(isClientLink(stored)).toBe(true);
    expect(unmarkClientLink(stored)).toBe(target);
    expect(shownMeta({ ...file, kind: "symlink", linkTarget: stored }).linkTarget).toBe(target);
  }
  expect(unmarkClientLink("/srv/shared")).toBe("/srv/shared");
  expect(shownMeta(file)).toBe(file);
});
