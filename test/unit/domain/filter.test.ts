import { describe, expect, test } from "bun:test";
import type { EntryKind } from "../../../src/domain/entry.ts";
import { isBlitError } from "../../../src/domain/errors.ts";
import { compileFilter, NO_FILTER_OPTIONS, type FilterOptions, type FilterRule } from "../../../src/domain/filter.ts";

const inc = (pattern: string): FilterRule => ({ type: "include", pattern });
const exc = (pattern: string): FilterRule => ({ type: "exclude", pattern });
const withRules = (...rules: FilterRule[]): FilterOptions => ({ ...NO_FILTER_OPTIONS, rules });

type Case = [label: string, path: string, kind: EntryKind, size: number, expected: boolean];

describe("compileFilter: rules (first match decides, no match includes)", () => {
  const cases: [FilterOptions, Case[]][] = [
    [
      withRules(inc("*.txt"), exc("*")),
      [
        ["txt kept", "a.txt", "file", 1, true],
        ["other excluded", "a.bin", "file", 1, false],
        ["dirs excluded too (prunes)", "sub", "dir", 0, false],
        ["nested txt by base name", "sub/b.txt", "file", 1, true],
      ],
    ],
    [
      withRules(exc("*"), inc("*.txt")),
      [["order matters: exclude first wins", "a.txt", "file", 1, false]],
    ],
    [
      withRules(exc("build/")),
      [
        ["dir named build excluded", "build", "dir", 0, false],
        ["nested dir named build excluded", "x/build", "dir", 0, false],
        ["file named build kept", "build", "file", 3, true],
        ["other dir kept", "builds", "dir", 0, true],
      ],
    ],
    [
      withRules(exc("/top")),
      [
        ["anchored at root", "top", "dir", 0, false],
        ["not below root", "a/top", "dir", 0, true],
      ],
    ],
    [
      withRules(exc("top")),
      [
        ["unanchored at root", "top", "file", 0, false],
        ["unanchored anywhere", "a/b/top", "file", 0, false],
        ["base name must match whole", "a/top2", "file", 0, true],
      ],
    ],
    [
      withRules(exc("foo/bar")),
      [
        ["slash pattern matches path", "foo/bar", "file", 0, false],
        ["any trailing portion", "x/foo/bar", "file", 0, false],
        ["only at a segment boundary", "xfoo/bar", "file", 0, true],
        ["not the base name", "bar", "file", 0, true],
      ],
    ],
    [
      withRules(exc("/a/*.log")),
      [
        ["anchored path", "a/x.log", "file", 0, false],
        ["anchored path elsewhere", "b/a/x.log", "file", 0, true],
        ["star stops at slash", "a/b/x.log", "file", 0, true],
      ],
    ],
    [
      withRules(exc("cache/**")),
      [
        ["double star below", "p/cache/x/y", "file", 0, false],
        ["dir itself not matched", "p/cache", "dir", 0, true],
      ],
    ],
    [
      withRules(exc("/logs/")),
      [
        ["anchored dir-only", "logs", "dir", 0, false],
        ["anchored dir-only file kept", "logs", "file", 0, true],
      ],
    ],
    [
      withRules(inc("keep/"), exc("*/")),
      [
        ["include dir-only first", "keep", "dir", 0, true],
        ["other dirs excluded", "drop", "dir", 0, false],
        ["files untouched by dir-only rules", "drop", "file", 0, true],
      ],
    ],
    [withRules(exc("*")), [["root always in scope", "", "dir", 0, true]]],
  ];
  describe.each(cases)("%o", (options, rows) => {
    const filter = compileFilter(options);
    test.each(rows)("%s: %p", (_label, path, kind, size, expected) => {
      expect(filter.includes(path, kind, size)).toBe(expected);
    });
  });
});

describe("compileFilter: --files-from", () => {
  const filter = compileFilter({
    ...NO_FILTER_OPTIONS,
    filesFrom: ["./docs/", "/src/main.ts", "", "   ", "# comment", "a/./b//c", "crlf\r"],
  });
  test.each<Case>([
    ["listed dir", "docs", "dir", 0, true],
    ["under listed dir", "docs/deep/x.md", "file", 1, true],
    ["listed file", "src/main.ts", "file", 1, true],
    ["ancestor dir of listed", "src", "dir", 0, true],
    ["ancestor name as file", "src", "file", 0, false],
    ["sibling not listed", "src/other.ts", "file", 1, false],
    ["normalized segments", "a/b/c", "file", 1, true],
    ["deep ancestor", "a/b", "dir", 0, true],
    ["carriage return stripped", "crlf", "file", 0, true],
    ["unlisted top level", "other", "dir", 0, false],
    ["comment is no path", "# comment", "file", 0, false],
  ])("%s: %p", (_label, path, kind, size, expected) => {
    expect(filter.includes(path, kind, size)).toBe(expected);
  });

  test("'.' lists the whole tree", () => {
    expect(compileFilter({ ...NO_FILTER_OPTIONS, filesFrom: ["."] }).includes("x/y", "file", 1)).toBe(true);
  });

  test("an empty list includes nothing but the root", () => {
    const f = compileFilter({ ...NO_FILTER_OPTIONS, filesFrom: [] });
    expect([f.isEmpty, f.includes("", "dir", 0), f.includes("a", "file", 0)]).toEqual([false, true, false]);
  });

  test("rules apply before the list", () => {
    const f = compileFilter({ ...NO_FILTER_OPTIONS, rules: [exc("*.md")], filesFrom: ["docs"] });
    expect([f.includes("docs/a.md", "file", 1), f.includes("docs/a.txt", "file", 1)]).toEqual([false, true]);
  });
});

describe("compileFilter: size bounds", () => {
  const filter = compileFilter({ ...NO_FILTER_OPTIONS, minSize: 10, maxSize: 1024 });
  test.each<Case>([
    ["below min", "a", "file", 9, false],
    ["min inclusive", "a", "file", 10, true],
    ["max inclusive", "a", "file", 1024, true],
    ["above max", "a", "file", 1025, false],
    ["dirs ignore size", "d", "dir", 4096, true],
    ["symlinks ignore size", "l", "symlink", 1, true],
    ["specials ignore size", "p", "special", 0, true],
  ])("%s: %p", (_label, path, kind, size, expected) => {
    expect(filter.includes(path, kind, size)).toBe(expected);
  });
});

describe("compileFilter: isEmpty and errors", () => {
  test.each<[FilterOptions, boolean]>([
    [NO_FILTER_OPTIONS, true],
    [withRules(exc("x")), false],
    [{ ...NO_FILTER_OPTIONS, filesFrom: ["a"] }, false],
    [{ ...NO_FILTER_OPTIONS, minSize: 0 }, false],
    [{ ...NO_FILTER_OPTIONS, maxSize: 5 }, false],
  ])("%o is empty: %p", (options, expected) => {
    expect(compileFilter(options).isEmpty).toBe(expected);
  });

  test.each<FilterOptions>([
    withRules(exc("[oops")),
    withRules(inc("/")),
    withRules(exc("")),
    { ...NO_FILTER_OPTIONS, filesFrom: ["a/../../etc"] },
  ])("%o throws USAGE", (options) => {
    let caught: unknown;
    try {
      compileFilter(options);
    } catch (e) {
      caught = e;
    }
    expect(isBlitError(caught) ? caught.code : caught).toBe("USAGE");
  });
});
