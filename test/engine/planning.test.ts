// SPEC §2's trailing-slash table and the copy plan, through the real engine over memory stores.
import { expect, test } from "bun:test";
import { MemoryTree, pathsOf, runOn } from "../harness/memory-engine.ts";

function seeded(): MemoryTree {
  const tree = new MemoryTree();
  tree.putFile("src/a.txt", "alpha");
  tree.putFile("src/sub/b.txt", "beta");
  tree.putSymlink("src/link", "a.txt");
  tree.mkdirs("src/empty");
  return tree;
}

test("copy src dst, dst missing: dst becomes the copy (files, empty directories, symlinks as links)", async () => {
  const tree = seeded();
  const { summary } = await runOn(tree, "copy", "/src", "/dst");
  expect(pathsOf(tree, "dst")).toEqual(["a.txt", "empty/", "link", "sub/", "sub/b.txt"]);
  expect(tree.text("dst/sub/b.txt")).toBe("beta");
  expect(tree.find("dst/link")?.meta.linkTarget).toBe("a.txt");
  expect({ transferred: summary.files_transferred, outcome: summary.outcome }).toEqual({ transferred: 3, outcome: "success" });
});

test("copy src/ dst, dst existing: the contents go into dst", async () => {
  const tree = seeded();
  tree.mkdirs("dst");
  await runOn(tree, "copy", "/src/", "/dst");
  expect(pathsOf(tree, "dst")).toEqual(["a.txt", "empty/", "link", "sub/", "sub/b.txt"]);
});

test("copy src dst, dst existing: src nests inside it; a file copies to a new name or into a directory", async () => {
  const tree = seeded();
  tree.mkdirs("dst");
  await runOn(tree, "copy", "/src", "/dst");
  expect(pathsOf(tree, "dst")).toEqual(["src/", "src/a.txt", "src/empty/", "src/link", "src/sub/", "src/sub/b.txt"]);
  await runOn(tree, "copy", "/src/a.txt", "/renamed.txt");
  expect(tree.text("renamed.txt")).toBe("alpha");
  await runOn(tree, "copy", "/src/a.txt", "/dst/");
  expect(tree.text("dst/a.txt")).toBe("alpha");
});

test("the copy lands bytes, mode and mtime; a second run skips every unchanged file and changes nothing", async () => {
  const tree = seeded();
  tree.putFile("src/x.bin", new Uint8Array(300_000).fill(9), { mode: 0o600, mtimeNs: 1_600_000_000_123_456_789n });
  await runOn(tree, "copy", "/src/", "/dst");
  const x = tree.find("dst/x.bin")!;
  expect({ size: x.data.length, mode: x.meta.mode, mtimeNs: x.meta.mtimeNs }).toEqual({ size: 300_000, mode: 0o600, mtimeNs: 1_600_000_000_123_456_789n });
  const again = await runOn(tree, "copy", "/src/", "/dst");
  expect({ transferred: again.summary.files_transferred, skipped: again.summary.files_skipped }).toEqual({ transferred: 0, skipped: 4 });
  expect(again.told.items.filter((i) => i.startsWith("copy"))).toEqual([]);
});

test("a changed file is sent again; --checksum finds a same-size, same-mtime change that quick compare skips", async () => {
  const tree = seeded();
  await runOn(tree, "copy", "/src/", "/dst");
  const mtimeNs = tree.find("src/a.txt")!.meta.mtimeNs;
  tree.putFile("src/a.txt", "ALPHA", { mtimeNs });
  expect((await runOn(tree, "copy", "/src/", "/dst")).summary.files_transferred).toBe(0);
  expect(tree.text("dst/a.txt")).toBe("alpha");
  expect((await runOn(tree, "copy", "/src/", "/dst", { compare: "checksum" })).summary.files_transferred).toBe(1);
  expect(tree.text("dst/a.txt")).toBe("ALPHA");
});

test("a dry run names every change and writes nothing", async () => {
  const tree = seeded();
  const { summary, told } = await runOn(tree, "copy", "/src/", "/dst", { dryRun: true });
  expect(tree.find("dst")).toBeNull();
  expect(summary.outcome).toBe("dry-run");
  expect(told.items.filter((i) => i.startsWith("copy") || i.startsWith("symlink")).sort()).toEqual(["copy a.txt", "copy sub/b.txt", "symlink link"]);
});

test("copy never deletes: extraneous destination entries stay", async () => {
  const tree = seeded();
  tree.putFile("dst/extra.txt", "mine");
  const { summary } = await runOn(tree, "copy", "/src/", "/dst");
  expect(tree.text("dst/extra.txt")).toBe("mine");
  expect(summary.entries_deleted).toBe(0);
});

test("a missing source is NOT_FOUND", async () => {
  const tree = seeded();
  await expect(runOn(tree, "copy", "/nope/", "/dst")).rejects.toMatchObject({ code: "NOT_FOUND" });
});
