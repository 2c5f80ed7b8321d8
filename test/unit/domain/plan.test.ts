import { describe, expect, test } from "bun:test";
import type { DirEntry, EntryMeta } from "../../../src/domain/entry.ts";
import { compareNames } from "../../../src/domain/rel-path.ts";
import { compileFilter, NO_FILTER_OPTIONS, type FilterOptions } from "../../../src/domain/filter.ts";
import { planDirectory, type DirectoryPlan, type PlanOptions } from "../../../src/domain/plan.ts";
import type { Planner } from "../../../src/ports/planner.ts";

const T = 1_700_000_000_000_000_000n;
const meta = (kind: EntryMeta["kind"], size = 0, mtimeNs = T, linkTarget?: string): EntryMeta => ({
  kind,
  size,
  mtimeNs,
  mode: kind === "dir" ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  ...(linkTarget === undefined ? {} : { linkTarget }),
});
const f = (name: string, size = 1, mtimeNs = T): DirEntry => ({ name, meta: meta("file", size, mtimeNs) });
const d = (name: string): DirEntry => ({ name, meta: meta("dir", 4096) });
const l = (name: string, target: string): DirEntry => ({ name, meta: meta("symlink", target.length, T, target) });
const s = (name: string): DirEntry => ({ name, meta: meta("special") });

const options = (extra: Partial<PlanOptions> & { filterOptions?: Partial<FilterOptions> } = {}): PlanOptions => {
  const { filterOptions, ...rest } = extra;
  return {
    compare: "quick",
    ignoreExisting: false,
    mirror: false,
    filter: compileFilter({ ...NO_FILTER_OPTIONS, ...filterOptions }),
    mtimeGranularityNs: 1n,
    owners: false,
    ...rest,
  };
};

/** The plan as names; a descend step is "name" (exists) or "name+" (new subtree). */
function summarize(plan: DirectoryPlan): Record<string, string[]> {
  const out: Record<string, string[]> = {
    send: plan.send.map((e) => e.name),
    hashCheck: plan.hashCheck.map((e) => e.name),
    skip: plan.skip.map((e) => e.name),
    fixMeta: plan.fixMeta.map((e) => e.name),
    descend: plan.descend.map((s) => (s.destExists ? s.entry.name : `${s.entry.name}+`)),
    delete: plan.delete.map((e) => e.name),
    prune: plan.prune.map((e) => e.name),
    replaceDirs: plan.replaceDirs.map((e) => e.name),
    special: plan.special.map((e) => e.name),
  };
  for (const key of Object.keys(out)) if (out[key]!.length === 0) delete out[key];
  return out;
}

const planner: Planner = { planDirectory };

type Row = [string, string, DirEntry[], DirEntry[] | null, PlanOptions, Record<string, string[]>];

describe("planDirectory: copy", () => {
  test.each<Row>([
    ["empty dirs plan nothing", "", [], [], options(), {}],
    ["missing destination sends all", "", [f("b"), f("a"), d("sub")], null, options(), { send: ["a", "b"], descend: ["sub+"] }],
    [
      "quick compare",
      "",
      [f("same", 5), f("newer", 5, T + 1n), f("bigger", 6)],
      [f("same", 5), f("newer", 5), f("bigger", 5)],
      options(),
      { send: ["bigger", "newer"], skip: ["same"] },
    ],
    ["checksum defers equal sizes", "", [f("a", 5), f("b", 5)], [f("a", 5, 0n), f("b", 7)], options({ compare: "checksum" }), { hashCheck: ["a"], send: ["b"] }],
    ["size-only", "", [f("a", 5, T + 9n)], [f("a", 5)], options({ compare: "size-only" }), { skip: ["a"], fixMeta: ["a"] }],
    ["ignore-times", "", [f("a", 5)], [f("a", 5)], options({ compare: "ignore-times" }), { send: ["a"] }],
    ["granularity applies", "", [f("a", 5, T + 999n)], [f("a", 5, T)], options({ mtimeGranularityNs: 1000n }), { skip: ["a"] }],
    ["existing dir descends", "", [d("sub")], [d("sub")], options(), { descend: ["sub"] }],
    ["symlinks by target", "", [l("same", "t"), l("diff", "u")], [l("same", "t"), l("diff", "t")], options(), { send: ["diff"], skip: ["same"] }],
    ["specials are listed, never sent", "", [s("fifo"), f("a")], null, options(), { send: ["a"], special: ["fifo"] }],
    ["copy never deletes", "", [f("a")], [f("a"), f("extra")], options(), { skip: ["a"] }],
    ["byte order sort", "", [f("é"), f("z"), f("B"), f("a")], null, options(), { send: ["B", "a", "z", "é"] }],
  ])("%s", (_label, dir, source, dest, opts, expected) => {
    expect(summarize(planner.planDirectory(dir, source, dest, opts))).toEqual(expected);
  });
});

describe("planDirectory: type changes", () => {
  test.each<Row>([
    ["file replaces dir", "", [f("x")], [d("x")], options(), { replaceDirs: ["x"] }],
    ["symlink replaces dir", "", [l("x", "t")], [d("x")], options(), { replaceDirs: ["x"] }],
    ["dir replaces file: new subtree", "", [d("x")], [f("x")], options(), { descend: ["x+"] }],
    ["dir replaces symlink: new subtree", "", [d("x")], [l("x", "t")], options(), { descend: ["x+"] }],
    ["file replaces symlink", "", [f("x")], [l("x", "t")], options(), { send: ["x"] }],
    ["symlink replaces file", "", [l("x", "t")], [f("x")], options(), { send: ["x"] }],
    ["file replaces special", "", [f("x")], [s("x")], options(), { send: ["x"] }],
    ["ignore-existing keeps a dir", "", [f("x")], [d("x")], options({ ignoreExisting: true }), { skip: ["x"] }],
    ["ignore-existing keeps a file", "", [d("x")], [f("x")], options({ ignoreExisting: true }), { skip: ["x"] }],
    ["ignore-existing still walks dirs", "", [d("x"), f("y", 9)], [d("x"), f("y", 1)], options({ ignoreExisting: true }), { descend: ["x"], skip: ["y"] }],
    ["mirror does not delete a replaced dir twice", "", [f("x")], [d("x")], options({ mirror: true }), { replaceDirs: ["x"] }],
  ])("%s", (_label, dir, source, dest, opts, expected) => {
    expect(summarize(planDirectory(dir, source, dest, opts))).toEqual(expected);
  });
});

describe("planDirectory: filters and mirror scope", () => {
  const mirror = (filterOptions: Partial<FilterOptions> = {}, extra: Partial<PlanOptions> = {}): PlanOptions =>
    options({ mirror: true, filterOptions, ...extra });
  test.each<Row>([
    ["mirror deletes extraneous entries", "", [f("a")], [f("a"), f("old"), d("olddir"), l("oldlink", "t")], mirror(), { skip: ["a"], delete: ["old", "olddir", "oldlink"] }],
    ["mirror into a missing dir deletes nothing", "", [f("a")], null, mirror(), { send: ["a"] }],
    ["excluded source entries are ignored", "", [f("a.log"), f("b.txt")], null, options({ filterOptions: { rules: [{ type: "exclude", pattern: "*.log" }] } }), { send: ["b.txt"] }],
    ["excluded dirs are pruned", "", [d("build"), d("src")], null, options({ filterOptions: { rules: [{ type: "exclude", pattern: "build/" }] } }), { descend: ["src+"] }],
    ["excluded dest entries are never deleted", "", [], [f("keep.log"), f("gone.txt")], mirror({ rules: [{ type: "exclude", pattern: "*.log" }] }), { delete: ["gone.txt"] }],
    ["include-then-exclude scope", "", [f("a.txt")], [f("a.txt"), f("b.txt"), f("c.bin"), d("sub")], mirror({ rules: [{ type: "include", pattern: "*.txt" }, { type: "exclude", pattern: "*" }] }), { skip: ["a.txt"], delete: ["b.txt"] }],
    ["filter sees the full path", "top", [f("x")], [f("x"), f("y")], mirror({ rules: [{ type: "exclude", pattern: "/top/y" }] }), { skip: ["x"] }],
    ["anchored rule does not match below root", "sub", [], [f("top")], mirror({ rules: [{ type: "exclude", pattern: "/top" }] }), { delete: ["top"] }],
    ["size-excluded source name protects the dest", "", [f("big", 5000)], [f("big", 10)], mirror({ maxSize: 1024 }), {}],
    ["dest outside size bounds is kept", "", [], [f("huge", 5000), f("small", 10)], mirror({ maxSize: 1024 }), { delete: ["small"] }],
    ["files-from limits sends and deletions", "", [f("listed"), f("other"), d("dir")], [f("stale"), d("dir")], mirror({ filesFrom: ["listed", "dir/inner"] }), { send: ["listed"], descend: ["dir"] }],
    ["with a filter, extraneous dirs are pruned, not deleted", "", [], [d("old"), f("x.txt"), d("y.log")], mirror({ rules: [{ type: "exclude", pattern: "*.log" }] }), { delete: ["x.txt"], prune: ["old"] }],
    ["a source special does not protect its name", "", [s("p")], [f("p")], mirror(), { special: ["p"], delete: ["p"] }],
  ])("%s", (_label, dir, source, dest, opts, expected) => {
    expect(summarize(planDirectory(dir, source, dest, opts))).toEqual(expected);
  });
});

describe("planDirectory: attributes of kept files", () => {
  const withMode = (e: DirEntry, mode: number): DirEntry => ({ name: e.name, meta: { ...e.meta, mode } });
  const withOwner = (e: DirEntry, uid: number): DirEntry => ({ name: e.name, meta: { ...e.meta, uid } });
  test.each<Row>([
    ["a mode change is fixed without a copy", "", [withMode(f("a"), 0o600)], [f("a")], options(), { skip: ["a"], fixMeta: ["a"] }],
    ["size-only keeps data but fixes the mtime", "", [f("a", 5, T + 1n)], [f("a", 5, T)], options({ compare: "size-only" }), { skip: ["a"], fixMeta: ["a"] }],
    ["owners are fixed when the destination keeps them", "", [withOwner(f("a"), 7)], [f("a")], options({ owners: true }), { skip: ["a"], fixMeta: ["a"] }],
    ["owners are ignored when it does not", "", [withOwner(f("a"), 7)], [f("a")], options(), { skip: ["a"] }],
    ["--ignore-existing touches nothing", "", [withMode(f("a"), 0o600)], [f("a")], options({ ignoreExisting: true }), { skip: ["a"] }],
    ["a checksum candidate is not fixed before its hash is known", "", [withMode(f("a", 5, T + 1n), 0o600)], [f("a", 5, T)], options({ compare: "checksum" }), { hashCheck: ["a"] }],
  ])("%s", (_label, dir, source, dest, opts, expected) => {
    expect(summarize(planDirectory(dir, source, dest, opts))).toEqual(expected);
  });
});

describe("planDirectory: temporaries", () => {
  test.each<Row>([
    ["dest temporaries are never deleted", "", [f("a")], [f("a"), f(".blit-tmp-k1.2-a"), d(".blit-tmp-zz-dir")], options({ mirror: true }), { skip: ["a"] }],
    ["a dest temporary is not an existing entry", "", [f(".blit-tmp-x-y")], [f(".blit-tmp-x-y")], options(), {}],
    ["source temporaries are not sent", "", [f(".blit-tmp-x-y"), f("z")], null, options(), { send: ["z"] }],
  ])("%s", (_label, dir, source, dest, opts, expected) => {
    expect(summarize(planDirectory(dir, source, dest, opts))).toEqual(expected);
  });
});

describe("planDirectory: output", () => {
  test("lists hold the original entries", () => {
    const src = f("a", 3);
    const old = f("b");
    const plan = planDirectory("", [src, d("c")], [old], options({ mirror: true }));
    expect([plan.send[0] === src, plan.delete[0] === old, plan.descend[0]?.entry.name]).toEqual([true, true, "c"]);
  });

  test("a replaced directory is planned as the source entry that replaces it", () => {
    const plan = planDirectory("", [f("x", 9)], [d("x")], options({ mirror: true }));
    expect(plan.replaceDirs.map((e) => [e.name, e.meta.kind, e.meta.size])).toEqual([["x", "file", 9]]);
  });

  test("is deterministic whatever the listing order", () => {
    const names = Array.from({ length: 200 }, (_, i) => `n${(i * 7919) % 200}`);
    const source = names.map((n, i) => (i % 3 === 0 ? d(n) : f(n)));
    const dest = names.map((n, i) => (i % 2 === 0 ? f(n, 2) : f(`${n}x`)));
    const sorted = (list: DirEntry[]): DirEntry[] => [...list].sort((a, b) => compareNames(a.name, b.name));
    const a = planDirectory("", sorted(source), sorted(dest), options({ mirror: true }));
    const b = planDirectory("", [...source].reverse(), [...dest].reverse(), options({ mirror: true }));
    expect(summarize(a)).toEqual(summarize(b));
  });

  test.each<[string, DirEntry[]]>([
    ["listed in byte order", [f("a"), f("z"), f("\udc80"), f("\uffff"), f("😀")]],
    ["listed in UTF-16 order", [f("a"), f("z"), f("😀"), f("\udc80"), f("\uffff")]],
    ["listed unsorted", [f("\udc80"), f("😀"), f("z"), f("\uffff"), f("a")]],
  ])("sorts by UTF-8 bytes when %s", (_label, source) => {
    const dest = [f("😀"), f("\udc80", 7), f("old\udcff"), f("a")];
    expect(summarize(planDirectory("", source, dest, options({ mirror: true })))).toEqual({
      send: ["z", "\udc80", "\uffff"],
      skip: ["a", "😀"],
      delete: ["old\udcff"],
    });
  });
});
