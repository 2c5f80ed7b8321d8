// SPEC §3 "move", through the real engine over memory stores: a source entry is removed only once
// its copy landed identical; filtered-out entries and the root of a `dir/` source stay.
import { expect, test } from "bun:test";
import { MemoryTree, pathsOf, runOn } from "../harness/memory-engine.ts";

function seeded(): MemoryTree {
  const tree = new MemoryTree();
  tree.putFile("src/a.txt", "a");
  tree.putSymlink("src/link", "a.txt");
  tree.putFile("src/mixed/b.txt", "b");
  tree.putFile("src/mixed/keep.log", "excluded: stays");
  tree.putFile("src/all-moved/deeper/d.txt", "d");
  tree.mkdirs("src/was-empty");
  return tree;
}

test("move src/ with an exclude: moved entries gone, excluded ones stay, emptied directories removed, the root kept", async () => {
  const tree = seeded();
  const { summary } = await runOn(tree, "move", "/src/", "/dst", { rules: [{ type: "exclude", pattern: "*.log" }] });
  expect(pathsOf(tree, "src")).toEqual(["mixed/", "mixed/keep.log"]);
  expect(pathsOf(tree, "dst")).toEqual(["a.txt", "all-moved/", "all-moved/deeper/", "all-moved/deeper/d.txt", "link", "mixed/", "mixed/b.txt", "was-empty/"]);
  expect({ removed: summary.sources_removed, outcome: summary.outcome }).toEqual({ removed: 7, outcome: "success" });
});

test("move src (no slash) removes the emptied source directory itself", async () => {
  const tree = seeded();
  await runOn(tree, "move", "/src", "/dst");
  expect(tree.find("src")).toBeNull();
  expect(tree.text("dst/mixed/keep.log")).toBe("excluded: stays");
});

test("a file that failed to land keeps its source, and nothing else of the source is removed", async () => {
  const tree = seeded();
  tree.putFile("src/secret.txt", "unreadable", { mode: 0o000 });
  const { summary } = await runOn(tree, "move", "/src/", "/dst");
  expect({ failed: summary.files_failed, removed: summary.sources_removed, outcome: summary.outcome }).toEqual({ failed: 1, removed: 0, outcome: "partial" });
  expect(tree.text("src/a.txt")).toBe("a");
  expect(tree.text("dst/a.txt")).toBe("a");
});

test("a source file whose destination copy differs (kept by --ignore-existing) is not removed", async () => {
  const tree = seeded();
  tree.putFile("dst/a.txt", "the destination's own", { mtimeNs: 1_800_000_000_000_000_000n });
  const { summary } = await runOn(tree, "move", "/src/", "/dst", { ignoreExisting: true });
  expect(tree.text("src/a.txt")).toBe("a");
  expect(tree.text("dst/a.txt")).toBe("the destination's own");
  expect(tree.find("src/mixed/b.txt")).toBeNull();
  expect(summary.outcome).toBe("success");
});

test("move of one file removes it once it landed", async () => {
  const tree = seeded();
  const { summary } = await runOn(tree, "move", "/src/a.txt", "/moved.txt");
  expect(summary.sources_removed).toBe(1);
  expect(tree.find("src/a.txt")).toBeNull();
  expect(tree.text("moved.txt")).toBe("a");
});

test("answered no, a move changes nothing; a dry run names what it would remove and removes nothing", async () => {
  const tree = seeded();
  const before = pathsOf(tree, "src");
  await expect(runOn(tree, "move", "/src/", "/dst", { answer: false })).rejects.toMatchObject({ code: "NOT_CONFIRMED" });
  expect(tree.find("dst")).toBeNull();
  const { summary, told } = await runOn(tree, "move", "/src/", "/dst", { dryRun: true });
  expect(pathsOf(tree, "src")).toEqual(before);
  expect(tree.find("dst")).toBeNull();
  expect(summary.sources_removed).toBe(told.items.filter((i) => i.startsWith("remove")).length);
  expect(told.items).toContain("remove a.txt");
});
