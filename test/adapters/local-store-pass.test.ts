// DirectoryPasses.passDirectory of the local adapter must mean exactly list + plan + write: the same plan as
// the domain planner on the same listings, a bounded first share written, the rest left to send.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { compileFilter, NO_FILTER_OPTIONS } from "../../src/domain/filter.ts";
import { planDirectory, type PlanOptions } from "../../src/domain/plan.ts";

const base = mkdtempSync(join(tmpdir(), "blit-pass-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const plan = (mirror: boolean): PlanOptions => ({
  compare: "quick",
  ignoreExisting: false,
  mirror,
  filter: compileFilter(NO_FILTER_OPTIONS),
  mtimeGranularityNs: 1n,
  owners: false,
});

test("a fresh directory: subdirectories made, the first 256 files written, the rest left to send", async () => {
  const src = join(base, "fresh-src");
  const dst = join(base, "fresh-dst");
  mkdirSync(join(src, "sub"), { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(src, `f${String(i).padStart(3, "0")}`), `file ${i}`);
  mkdirSync(dst);
  await using source = new LocalStore({ root: src, cleanTemporaries: false, maxThreads: null });
  await using dest = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null });
  const pass = await dest.passDirectory({ dir: "", source, destExists: false, plan: plan(false), dryRun: false, resume: false });
  if (pass === null) throw new Error("the local store offered no pass for a local source");
  expect(pass.written.length).toBe(256);
  expect(pass.written.every((w) => w.result.error === undefined)).toBe(true);
  expect(pass.plan.send.map((e) => e.name)).toEqual(Array.from({ length: 44 }, (_, i) => `f${256 + i}`));
  expect(pass.subdirsCreated).toBe(true);
  expect(readdirSync(dst).length).toBe(257); // 256 files and sub/
  expect(readFileSync(join(dst, "f000"), "utf8")).toBe("file 0");
});

test("an existing directory: the plan equals the planner's on the same listings", async () => {
  const src = join(base, "same-src");
  const dst = join(base, "same-dst");
  mkdirSync(join(src, "d"), { recursive: true });
  mkdirSync(join(dst, "old"), { recursive: true });
  writeFileSync(join(src, "a"), "a");
  writeFileSync(join(dst, "gone"), "x");
  await using source = new LocalStore({ root: src, cleanTemporaries: false, maxThreads: null });
  await using dest = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null });
  const expected = planDirectory("", (await source.list("")).entries, (await dest.list("")).entries, plan(true));
  const pass = await dest.passDirectory({ dir: "", source, destExists: true, plan: plan(true), dryRun: true, resume: false });
  if (pass === null) throw new Error("no pass");
  expect(pass.written).toEqual([]);
  expect(pass.plan.send.map((e) => e.name)).toEqual(expected.send.map((e) => e.name));
  expect(pass.plan.delete.map((e) => e.name)).toEqual(expected.delete.map((e) => e.name));
  expect(pass.plan.descend.map((d) => [d.entry.name, d.destExists])).toEqual(expected.descend.map((d) => [d.entry.name, d.destExists]));
  expect(readdirSync(dst).sort()).toEqual(["gone", "old"]); // a dry run writes nothing
});

test("no pass with a filter or a contained store: the engine lists and plans itself", async () => {
  await using source = new LocalStore({ root: base, cleanTemporaries: false, maxThreads: null });
  await using dest = new LocalStore({ root: base, cleanTemporaries: true, maxThreads: null, beneath: true });
  const filtered = { ...plan(false), filter: compileFilter({ ...NO_FILTER_OPTIONS, rules: [{ type: "exclude", pattern: "*.tmp" }] }) };
  expect(await dest.passDirectory({ dir: "", source, destExists: true, plan: plan(false), dryRun: true, resume: false })).toBeNull();
  await using plain = new LocalStore({ root: base, cleanTemporaries: true, maxThreads: null });
  expect(await plain.passDirectory({ dir: "", source, destExists: true, plan: filtered, dryRun: true, resume: false })).toBeNull();
});
