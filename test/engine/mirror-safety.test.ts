// SPEC §3 "Mirror safety", through the real engine over memory stores: deletions happen only after
// a complete scan with nothing failed, within --max-delete, and after the question was answered yes.
import { expect, test } from "bun:test";
import { MemoryTree, pathsOf, runOn } from "../harness/memory-engine.ts";

function seeded(): MemoryTree {
  const tree = new MemoryTree();
  tree.putFile("src/ok.txt", "readable");
  tree.putFile("src/keep/inside.txt", "inside");
  tree.putFile("dst/extra.txt", "extraneous");
  tree.putFile("dst/old/inner.txt", "extraneous too");
  tree.putFile("dst/old/deeper/more.txt", "and this");
  return tree;
}

test("a complete scan: the extraneous entries go, each file inside a deleted directory counted", async () => {
  const tree = seeded();
  const { summary, told } = await runOn(tree, "mirror", "/src/", "/dst");
  expect(pathsOf(tree, "dst")).toEqual(["keep/", "keep/inside.txt", "ok.txt"]);
  expect({ deleted: summary.entries_deleted, outcome: summary.outcome }).toEqual({ deleted: 5, outcome: "success" });
  expect(told.items.filter((i) => i.startsWith("delete")).sort()).toEqual(["delete extra.txt", "delete old", "delete old/deeper", "delete old/deeper/more.txt", "delete old/inner.txt"]);
});

test("an unreadable source file: the rest lands, nothing is deleted, the run is partial", async () => {
  const tree = seeded();
  tree.putFile("src/secret.txt", "unreadable", { mode: 0o000 });
  const { summary } = await runOn(tree, "mirror", "/src/", "/dst");
  expect({ deleted: summary.entries_deleted, failed: summary.files_failed, outcome: summary.outcome }).toEqual({ deleted: 0, failed: 1, outcome: "partial" });
  expect(summary.failures.map((f) => [f.path, f.code])).toEqual([["secret.txt", "PERMISSION_DENIED"]]);
  expect(pathsOf(tree, "dst")).toEqual(["extra.txt", "keep/", "keep/inside.txt", "ok.txt", "old/", "old/deeper/", "old/deeper/more.txt", "old/inner.txt"]);
});

test("an unreadable source directory: the scan is incomplete, so nothing is deleted, not even outside it", async () => {
  const tree = seeded();
  tree.putFile("dst/keep/stale.txt", "would be extraneous");
  tree.find("src/keep")!.meta = { ...tree.find("src/keep")!.meta, mode: 0o000 };
  const { summary } = await runOn(tree, "mirror", "/src/", "/dst");
  expect({ deleted: summary.entries_deleted, outcome: summary.outcome }).toEqual({ deleted: 0, outcome: "partial" });
  expect(tree.text("dst/keep/stale.txt")).toBe("would be extraneous");
  expect(tree.text("dst/extra.txt")).toBe("extraneous");
});

test("--max-delete below the count (directory contents included) withholds every deletion", async () => {
  const tree = seeded();
  const { summary } = await runOn(tree, "mirror", "/src/", "/dst", { maxDelete: 4 });
  expect({ deleted: summary.entries_deleted, outcome: summary.outcome }).toEqual({ deleted: 0, outcome: "partial" });
  expect(summary.failures.map((f) => f.error)).toEqual([expect.stringContaining("more than --max-delete 4")]);
  expect(tree.text("dst/old/deeper/more.txt")).toBe("and this");
  expect((await runOn(tree, "mirror", "/src/", "/dst", { maxDelete: 5 })).summary.entries_deleted).toBe(5);
});

test("the question names the count; answered no, nothing changes at all", async () => {
  const tree = seeded();
  const before = pathsOf(tree, "dst");
  const run = runOn(tree, "mirror", "/src/", "/dst", { answer: false });
  await expect(run).rejects.toMatchObject({ code: "NOT_CONFIRMED" });
  expect(pathsOf(tree, "dst")).toEqual(before);
});

test("answered yes, the mirror runs after asking once", async () => {
  const tree = seeded();
  const { summary, told } = await runOn(tree, "mirror", "/src/", "/dst", { answer: true });
  expect(told.questions).toEqual([expect.stringContaining("Mirror will delete 5 entries in /dst")]);
  expect(summary.entries_deleted).toBe(5);
});

test("a dry run counts the deletions and deletes nothing", async () => {
  const tree = seeded();
  const before = pathsOf(tree, "dst");
  const { summary } = await runOn(tree, "mirror", "/src/", "/dst", { dryRun: true });
  expect({ deleted: summary.entries_deleted, outcome: summary.outcome }).toEqual({ deleted: 5, outcome: "dry-run" });
  expect(pathsOf(tree, "dst")).toEqual(before);
});

test("excluded entries are out of scope: the mirror neither sends nor deletes them", async () => {
  const tree = seeded();
  tree.putFile("src/skip.log", "excluded");
  tree.putFile("dst/mine.log", "excluded at the destination: protected");
  await runOn(tree, "mirror", "/src/", "/dst", { rules: [{ type: "exclude", pattern: "*.log" }] });
  expect(pathsOf(tree, "dst")).toEqual(["keep/", "keep/inside.txt", "mine.log", "ok.txt"]);
});

test("a destination directory where the source has a file is replaced by the file", async () => {
  const tree = seeded();
  tree.putFile("dst/ok.txt/was-a-dir.txt", "in the way");
  await runOn(tree, "mirror", "/src/", "/dst");
  expect(tree.text("dst/ok.txt")).toBe("readable");
});
