// DirectoryPasses.passDirectory of the local adapter must mean exactly list + plan + write: the same plan as
// the domain planner on the same listings, a bounded first share written, the rest left to send.
import { afterAll, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { tryFlock } from "../../src/adapters/local/libc.ffi.ts";
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

test("a new directory: created by its pass, the first 256 files written, its subdirectories and the rest left", async () => {
  const src = join(base, "fresh-src");
  const dst = join(base, "fresh-dst");
  mkdirSync(join(src, "d", "sub"), { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(src, "d", `f${String(i).padStart(3, "0")}`), `file ${i}`);
  mkdirSync(dst);
  await using source = new LocalStore({ root: src, cleanTemporaries: false, maxThreads: null });
  await using dest = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null });
  const pass = await dest.passDirectory({ dir: "d", source, destExists: false, create: true, plan: plan(false), dryRun: false, resume: false });
  if (pass === null) throw new Error("the local store offered no pass for a local source");
  expect(pass.destError).toBeUndefined();
  expect(pass.written.length).toBe(256);
  expect(pass.written.every((w) => w.result.error === undefined)).toBe(true);
  expect(pass.plan.send.map((e) => e.name)).toEqual(Array.from({ length: 44 }, (_, i) => `f${256 + i}`));
  expect(pass.plan.descend.map((d) => [d.entry.name, d.destExists])).toEqual([["sub", false]]);
  expect(readdirSync(dst)).toEqual(["d"]); // renamed into place: no temporary name left beside it
  expect(readdirSync(join(dst, "d")).length).toBe(256); // its files; sub/ is its own pass's to create
  expect(readFileSync(join(dst, "d", "f000"), "utf8")).toBe("file 0");
});

test("a new directory appears at its final name only with its pass's whole share written", async () => {
  const src = join(base, "seen-src");
  const dst = join(base, "seen-dst");
  mkdirSync(join(src, "d"), { recursive: true });
  const body = Buffer.alloc(64 << 10, 7);
  for (let i = 0; i < 200; i++) writeFileSync(join(src, "d", `f${i}`), body);
  mkdirSync(dst);
  await using source = new LocalStore({ root: src, cleanTemporaries: false, maxThreads: null });
  await using dest = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null });
  // Small runs go inline; once its inline budget is spent the store runs passes on its worker threads.
  for (let i = 0; i < 8; i++) await dest.passDirectory({ dir: "", source, destExists: true, create: false, plan: plan(false), dryRun: true, resume: false });
  let done = false;
  const running = dest.passDirectory({ dir: "d", source, destExists: false, create: true, plan: plan(false), dryRun: false, resume: false }).finally(() => (done = true));
  // This thread looks at the destination while the pass runs (bounded by the pass's end).
  let firstSeen = -1;
  while (!done && firstSeen < 0) {
    if (existsSync(join(dst, "d"))) firstSeen = readdirSync(join(dst, "d")).filter((n) => statSync(join(dst, "d", n)).size === body.length).length;
    await new Promise((r) => setImmediate(r));
  }
  const pass = await running;
  expect(pass?.written.length).toBe(200);
  if (firstSeen >= 0) expect(firstSeen).toBe(200);
  expect(readdirSync(join(dst, "d")).length).toBe(200);
});

test("a new directory whose name is taken by a file replaces it; a stale staged directory is removed, a live one kept", async () => {
  const src = join(base, "taken-src");
  const dst = join(base, "taken-dst");
  mkdirSync(join(src, "d"), { recursive: true });
  writeFileSync(join(src, "d", "a"), "a");
  writeFileSync(join(src, "b"), "b");
  mkdirSync(join(dst, ".blit-tmp-zz9.1.dir-old", "inner"), { recursive: true });
  writeFileSync(join(dst, ".blit-tmp-zz9.1.dir-old", "inner", "x"), "left by a killed run");
  mkdirSync(join(dst, ".blit-tmp-zz9.2.dir-live"));
  mkdirSync(join(dst, ".blit-tmp-user-dir"));
  writeFileSync(join(dst, "d"), "a file in the way");
  const live = openSync(join(dst, ".blit-tmp-zz9.2.dir-live"), "r");
  expect(tryFlock(live)).toBe(true);
  try {
    await using source = new LocalStore({ root: src, cleanTemporaries: false, maxThreads: null });
    await using dest = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null });
    const root = await dest.passDirectory({ dir: "", source, destExists: true, create: false, plan: plan(false), dryRun: false, resume: false });
    expect(root?.written.map((w) => w.entry.name)).toEqual(["b"]);
    expect(readdirSync(dst).sort()).toEqual([".blit-tmp-user-dir", ".blit-tmp-zz9.2.dir-live", "b", "d"]);
    const pass = await dest.passDirectory({ dir: "d", source, destExists: false, create: true, plan: plan(false), dryRun: false, resume: false });
    expect(pass?.destError).toBeUndefined();
    expect(readFileSync(join(dst, "d", "a"), "utf8")).toBe("a");
  } finally {
    closeSync(live);
  }
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
  const pass = await dest.passDirectory({ dir: "", source, destExists: true, plan: plan(true), dryRun: true, resume: false, create: false });
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
  expect(await dest.passDirectory({ dir: "", source, destExists: true, plan: plan(false), dryRun: true, resume: false, create: false })).toBeNull();
  await using plain = new LocalStore({ root: base, cleanTemporaries: true, maxThreads: null });
  expect(await plain.passDirectory({ dir: "", source, destExists: true, plan: filtered, dryRun: true, resume: false, create: false })).toBeNull();
  expect([dest.passesFrom(source, plan(false)), plain.passesFrom(source, filtered), plain.passesFrom(source, plan(false))]).toEqual([false, false, true]);
});
