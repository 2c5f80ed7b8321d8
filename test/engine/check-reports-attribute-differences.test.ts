// SPEC §3 `blit check`: what a transfer would fix without sending data (the plan's fixMeta: mode, mtime, extended
// attributes, ACLs) is a difference too, one per path with the first attribute that differs; directories (the root
// is `.`) are compared for mode, attributes and ACLs, never for their mtime. Real engine over memory stores.
import { expect, test } from "bun:test";
import type { EntryMeta } from "../../src/domain/entry.ts";
import { ACL_ACCESS, ACL_DEFAULT, type Xattr } from "../../src/domain/fidelity.ts";
import { checkOn, MemoryTree } from "../harness/memory-engine.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const ATTRS: readonly Xattr[] = [[ACL_ACCESS, bytes("acl-1")], ["user.k", bytes("1")]];

/** Two equal trees: /src and /dst, each with a.txt (attributes and an ACL), b.txt and sub/c.txt. */
function twins(): MemoryTree {
  const tree = new MemoryTree();
  for (const side of ["src", "dst"]) {
    tree.putFile(`${side}/a.txt`, "alpha", { xattrs: ATTRS });
    tree.putFile(`${side}/b.txt`, "beta", { xattrs: [] });
    tree.putFile(`${side}/sub/c.txt`, "gamma");
    for (const dir of [side, `${side}/sub`]) tree.find(dir)!.meta = { ...tree.find(dir)!.meta, xattrs: [] };
  }
  return tree;
}

/** Changes the metadata of the entry at `path`. */
function edit(tree: MemoryTree, path: string, change: Partial<EntryMeta>): void {
  const n = tree.find(path)!;
  n.meta = { ...n.meta, ...change };
}

const differences = async (tree: MemoryTree, compare: "quick" | "checksum" | "size-only" = "quick") => {
  const report = await checkOn(tree, "/src/", "/dst/", compare);
  expect(report.identical).toBe(report.differences.length === 0);
  return report.differences;
};

test.each([
  ["a mode", { mode: 0o600 }, "mode"],
  ["an extended attribute's value", { xattrs: [[ACL_ACCESS, bytes("acl-1")], ["user.k", bytes("5")]] }, "xattrs"],
  ["a removed extended attribute", { xattrs: [[ACL_ACCESS, bytes("acl-1")]] }, "xattrs"],
  ["an ACL", { xattrs: [[ACL_ACCESS, bytes("acl-2")], ["user.k", bytes("1")]] }, "acls"],
  ["a mode and an attribute (the first reason)", { mode: 0o600, xattrs: [] }, "mode"],
] as const)("a file that differs only by %s is one difference", async (_label, change, reason) => {
  const tree = twins();
  expect(await differences(tree)).toEqual([]);
  edit(tree, "dst/a.txt", change as Partial<EntryMeta>);
  expect(await differences(tree)).toEqual([{ path: "a.txt", reason }]);
});

test("attributes differ only when both sides read them", async () => {
  const tree = twins();
  edit(tree, "dst/b.txt", { xattrs: [["user.new", bytes("1")]] });
  expect(await differences(tree)).toEqual([{ path: "b.txt", reason: "xattrs" }]);
  edit(tree, "dst/b.txt", { xattrs: undefined });
  expect(await differences(tree)).toEqual([]);
});

test("an mtime a --size-only or -c transfer would set (content kept) is an mtime difference", async () => {
  const tree = twins();
  edit(tree, "dst/sub/c.txt", { mtimeNs: 1_600_000_000_000_000_000n });
  const moved = [{ path: "sub/c.txt", reason: "mtime" }] as const;
  expect(await differences(tree, "size-only")).toEqual(moved);
  expect(await differences(tree, "checksum")).toEqual(moved);
});

test("-c: equal content with another ACL is an acls difference, not content", async () => {
  const tree = twins();
  edit(tree, "dst/a.txt", { xattrs: [[ACL_ACCESS, bytes("acl-2")], ["user.k", bytes("1")]] });
  expect(await differences(tree, "checksum")).toEqual([{ path: "a.txt", reason: "acls" }]);
});

test("directories: mode, attributes and the default ACL differ; the root is `.`; a directory's mtime does not", async () => {
  const tree = twins();
  edit(tree, "dst/sub", { mode: 0o700 });
  edit(tree, "dst", { xattrs: [[ACL_DEFAULT, bytes("acl-d")]] });
  expect(await differences(tree)).toEqual([{ path: ".", reason: "acls" }, { path: "sub", reason: "mode" }]);
  const other = twins();
  edit(other, "dst/sub", { mtimeNs: 42n, xattrs: [["user.tag", bytes("x")]] });
  expect(await differences(other)).toEqual([{ path: "sub", reason: "xattrs" }]);
});

test("a single file checked against another: its attributes are compared too", async () => {
  const tree = twins();
  edit(tree, "dst/a.txt", { mode: 0o640 });
  const report = await checkOn(tree, "/src/a.txt", "/dst/a.txt");
  expect(report.differences).toEqual([{ path: "a.txt", reason: "mode" }]);
});
