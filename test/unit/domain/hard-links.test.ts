import { describe, expect, test } from "bun:test";
import type { EntryKind } from "../../../src/domain/entry.ts";
import { alreadyLinked, groupHardLinks, HardLinkTable, mayShareInode, type InodeId, type LinkCandidate } from "../../../src/domain/hard-links.ts";

const inode = (ino: number, nlink: number, dev = 1): InodeId => ({ dev: BigInt(dev), ino: BigInt(ino), nlink });
const c = (path: string, id?: InodeId, kind: EntryKind = "file"): LinkCandidate => (id === undefined ? { path, kind } : { path, kind, inode: id });

describe("mayShareInode", () => {
  test.each([
    ["file", 2, true],
    ["symlink", 3, true],
    ["file", 1, false],
    ["dir", 5, false],
    ["special", 2, false],
  ] as const)("%s with nlink %d -> %p", (kind, nlink, expected) => {
    expect(mayShareInode(kind, inode(7, nlink))).toBe(expected);
  });
  test("no inode reported -> false", () => expect(mayShareInode("file", undefined)).toBe(false));
});

describe("HardLinkTable", () => {
  test("the first name of an inode is written, the later ones link to it", () => {
    const t = new HardLinkTable();
    expect([c("a", inode(10, 3)), c("b/x", inode(10, 3)), c("solo", inode(11, 1)), c("c", inode(10, 3))].map((e) => t.decide(e))).toEqual([
      { action: "write" },
      { action: "link", to: "a" },
      { action: "write" },
      { action: "link", to: "a" },
    ]);
  });

  test("an inode is forgotten once all its names were met; one whose other names lie outside the set stays", () => {
    const t = new HardLinkTable();
    t.decide(c("a", inode(1, 2)));
    t.decide(c("b", inode(2, 3)));
    expect(t.tracked).toBe(2);
    t.decide(c("a2", inode(1, 2)));
    expect(t.tracked).toBe(1);
    t.decide(c("b2", inode(2, 3)));
    expect(t.tracked).toBe(1); // the third name of inode 2 was filtered out: never met
  });

  test("the same inode number on another device is another inode", () => {
    const t = new HardLinkTable();
    expect([t.decide(c("a", inode(5, 2, 1))), t.decide(c("b", inode(5, 2, 2)))]).toEqual([{ action: "write" }, { action: "write" }]);
  });

  test("directories, specials and entries without an inode are always written", () => {
    const t = new HardLinkTable();
    const decisions = [c("d", inode(3, 4), "dir"), c("d2", inode(3, 4), "dir"), c("p", inode(4, 2), "special"), c("p2", inode(4, 2), "special"), c("n"), c("n2")].map((e) => t.decide(e));
    expect(decisions.every((d) => d.action === "write")).toBe(true);
    expect(t.tracked).toBe(0);
  });

  test("hard-linked symlinks link like files", () => {
    const t = new HardLinkTable();
    expect([t.decide(c("l1", inode(9, 2), "symlink")), t.decide(c("l2", inode(9, 2), "symlink"))]).toEqual([{ action: "write" }, { action: "link", to: "l1" }]);
  });

  test("a leader that failed hands the lead to the next name met", () => {
    const t = new HardLinkTable();
    const id = inode(20, 4);
    expect(t.decide(c("a", id))).toEqual({ action: "write" });
    expect(t.decide(c("b", id))).toEqual({ action: "link", to: "a" });
    t.failed("b", id); // not the leader: nothing changes
    t.failed("a", id);
    expect(t.decide(c("c", id))).toEqual({ action: "write" });
    expect(t.decide(c("d", id))).toEqual({ action: "link", to: "c" });
    expect(t.tracked).toBe(0);
  });
});

describe("groupHardLinks", () => {
  test("groups by (dev, ino) in leader order; single names form no group", () => {
    const set = [c("z", inode(2, 2)), c("a", inode(1, 3)), c("one", inode(3, 2)), c("m", inode(1, 3)), c("y", inode(2, 2)), c("dir", inode(1, 3), "dir"), c("b", inode(1, 3))];
    expect(groupHardLinks(set)).toEqual([
      { leader: "z", links: ["y"] },
      { leader: "a", links: ["m", "b"] },
    ]);
  });

  test("agrees with the table on every entry", () => {
    const set = [c("a", inode(1, 2)), c("b", inode(2, 2)), c("c", inode(1, 2)), c("d", inode(2, 2))];
    const t = new HardLinkTable();
    const links = set.flatMap((e) => {
      const d = t.decide(e);
      return d.action === "link" ? [[d.to, e.path]] : [];
    });
    expect(links).toEqual(groupHardLinks(set).flatMap((g) => g.links.map((l) => [g.leader, l])));
  });
});

describe("alreadyLinked", () => {
  test.each([
    ["same device and inode", inode(4, 2), inode(4, 2), true],
    ["another inode", inode(4, 2), inode(5, 2), false],
    ["another device", inode(4, 2, 1), inode(4, 2, 2), false],
    ["link missing", inode(4, 2), undefined, false],
    ["leader missing", undefined, inode(4, 2), false],
  ] as const)("%s -> %p", (_label, leader, link, expected) => {
    expect(alreadyLinked(leader, link)).toBe(expected);
  });
});
