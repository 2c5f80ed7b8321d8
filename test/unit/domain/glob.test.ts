import { describe, expect, test } from "bun:test";
import { isBlitError } from "../../../src/domain/errors.ts";
import { compileGlob } from "../../../src/domain/glob.ts";

describe("compileGlob", () => {
  test.each([
    // [pattern, subject, expected]
    ["*.txt", "a.txt", true],
    ["*.txt", "dir/a.txt", false],
    ["*.txt", ".txt", true],
    ["a*", "a", true],
    ["**", "a/b/c", true],
    ["a/**", "a/b/c", true],
    ["a/**", "a", false],
    ["a/***", "a", true],
    ["a/***", "a/b/c", true],
    ["a/***", "ab", false],
    ["**/x", "a/b/x", true],
    ["a/*/c", "a/b/c", true],
    ["a/*/c", "a/b/b/c", false],
    ["?", "a", true],
    ["?", "/", false],
    ["?", "ab", false],
    ["?", "😀", true],
    ["?", "\udcff", true],
    ["[abc]", "b", true],
    ["[abc]", "d", false],
    ["[!abc]", "d", true],
    ["[^abc]", "a", false],
    ["[!abc]", "/", false],
    ["[/]", "/", false],
    ["[a-c]x", "bx", true],
    ["[a-c]x", "dx", false],
    ["[]]", "]", true],
    ["[!]]", "a", true],
    ["[a-]", "-", true],
    ["[\\]]", "]", true],
    ["[[:digit:]]*", "7up", true],
    ["[[:digit:]]*", "up", false],
    ["[[:upper:][:digit:]]", "Q", true],
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["a\\?", "a?", true],
    ["a.b", "a.b", true],
    ["a.b", "axb", false],
    ["(x)+{2}|$^", "(x)+{2}|$^", true],
    ["line*", "line\nbreak", true],
    ["*", "", true],
    ["x", "xx", false],
  ])("%p matches %p: %p", (pattern, subject, expected) => {
    expect(compileGlob(pattern)(subject)).toBe(expected);
  });

  test.each([
    ["foo/bar", "foo/bar", true],
    ["foo/bar", "x/foo/bar", true],
    ["foo/bar", "x/y/foo/bar", true],
    ["foo/bar", "xfoo/bar", false],
    ["foo/bar", "foo/bar/z", false],
    ["*/bar", "a/b/bar", true],
  ])("with matchTail, %p matches %p: %p", (pattern, subject, expected) => {
    expect(compileGlob(pattern, { matchTail: true })(subject)).toBe(expected);
  });

  test.each(["[abc", "a[", "[!", "abc\\", "[z-a]", "[\\"])("%p is a USAGE error", (pattern) => {
    let caught: unknown;
    try {
      compileGlob(pattern);
    } catch (e) {
      caught = e;
    }
    expect(isBlitError(caught) && { code: caught.code, pattern: caught.details.pattern }).toEqual({
      code: "USAGE",
      pattern,
    });
  });
});

describe("compileGlob runs in linear time", () => {
  test("a pattern that makes a backtracking matcher explode answers at once", () => {
    const match = compileGlob(`${"*a".repeat(40)}*b`);
    expect(match("a".repeat(200))).toBe(false);
    expect(match(`${"a".repeat(200)}b`)).toBe(true);
  });
});
