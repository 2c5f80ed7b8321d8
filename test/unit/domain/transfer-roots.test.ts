import { describe, expect, test } from "bun:test";
import { overlaps, resolveRoots } from "../../../src/domain/transfer-roots.ts";
import type { ResolvedRoots, RootFacts } from "../../../src/domain/transfer-roots.ts";
import { isBlitError } from "../../../src/domain/errors.ts";

const tree = (sourceDir: string, destDir: string): ResolvedRoots => ({
  mode: "tree",
  sourceDir,
  sourceName: null,
  destDir,
  destName: null,
});

const file = (sourceDir: string, sourceName: string, destDir: string, destName: string): ResolvedRoots => ({
  mode: "file",
  sourceDir,
  sourceName,
  destDir,
  destName,
});

type Case = [string, { path: string; contentsOnly: boolean }, { path: string; trailingSlash: boolean }, RootFacts, ResolvedRoots];

const src = (path: string, contentsOnly = false) => ({ path, contentsOnly });
const dst = (path: string, trailingSlash = false) => ({ path, trailingSlash });
const facts = (sourceKind: RootFacts["sourceKind"], destKind: RootFacts["destKind"]): RootFacts => ({ sourceKind, destKind });

describe("resolveRoots: the SPEC §2 table", () => {
  test.each<Case>([
    ["src/ → dst (absent): contents into dst", src("/a/src", true), dst("/b/dst"), facts("dir", null), tree("/a/src", "/b/dst")],
    ["src/ → dst/ (absent)", src("/a/src", true), dst("/b/dst", true), facts("dir", null), tree("/a/src", "/b/dst")],
    ["src/ → existing dir dst", src("/a/src", true), dst("/b/dst"), facts("dir", "dir"), tree("/a/src", "/b/dst")],
    ["src → dst/ (absent): dst/src", src("/a/src"), dst("/b/dst", true), facts("dir", null), tree("/a/src", "/b/dst/src")],
    ["src → existing dir dst: dst/src", src("/a/src"), dst("/b/dst"), facts("dir", "dir"), tree("/a/src", "/b/dst/src")],
    ["src → absent dst: dst is the copy", src("/a/src"), dst("/b/dst"), facts("dir", null), tree("/a/src", "/b/dst")],
    ["file → existing dir dst", src("/a/f.txt"), dst("/b/dst"), facts("file", "dir"), file("/a", "f.txt", "/b/dst", "f.txt")],
    ["file → dst/ (existing)", src("/a/f.txt"), dst("/b/dst", true), facts("file", "dir"), file("/a", "f.txt", "/b/dst", "f.txt")],
    ["file → dst/ (absent): created, file inside", src("/a/f.txt"), dst("/b/dst", true), facts("file", null), file("/a", "f.txt", "/b/dst", "f.txt")],
    ["file → absent name", src("/a/f.txt"), dst("/b/new.txt"), facts("file", null), file("/a", "f.txt", "/b", "new.txt")],
    ["file → existing file name", src("/a/f.txt"), dst("/b/old.txt"), facts("file", "file"), file("/a", "f.txt", "/b", "old.txt")],
    ["file → dangling symlink name", src("/a/f.txt"), dst("/b/l"), facts("file", "symlink"), file("/a", "f.txt", "/b", "l")],
    ["symlink root is the link itself", src("/a/link"), dst("/b/dst"), facts("symlink", "dir"), file("/a", "link", "/b/dst", "link")],
    ["special root takes file mode", src("/a/fifo"), dst("/b/x"), facts("special", null), file("/a", "fifo", "/b", "x")],
    ["file at the filesystem root", src("/f"), dst("/"), facts("file", "dir"), file("/", "f", "/", "f")],
    ["dir into the filesystem root", src("/a/src"), dst("/", true), facts("dir", "dir"), tree("/a/src", "/src")],
    ["'.'-ended source is contents", src("/a/.."), dst("/b"), facts("dir", "dir"), tree("/a/..", "/b")],
    ["stray slashes are ignored", src("/a//src/"), dst("/b/dst/", true), facts("dir", null), tree("/a//src/", "/b/dst/src")],
  ])("%s", (_name, source, dest, rootFacts, expected) => {
    expect(resolveRoots(source, dest, rootFacts)).toEqual(expected);
  });

  test.each<Case>([
    ["module root → module root", src("", true), dst("", true), facts("dir", "dir"), tree("", "")],
    ["remote dir → module root", src("photos"), dst("", true), facts("dir", "dir"), tree("photos", "photos")],
    ["remote file → module root", src("a/b.txt"), dst("", true), facts("file", "dir"), file("a", "b.txt", "", "b.txt")],
    ["top-level remote file → new name", src("b.txt"), dst("c.txt"), facts("file", null), file("", "b.txt", "", "c.txt")],
    ["remote dir → absent remote path", src("x/y"), dst("z/w"), facts("dir", null), tree("x/y", "z/w")],
  ])("remote paths: %s", (_name, source, dest, rootFacts, expected) => {
    expect(resolveRoots(source, dest, rootFacts)).toEqual(expected);
  });
});

describe("resolveRoots: refusals are USAGE", () => {
  test.each<[string, { path: string; contentsOnly: boolean }, { path: string; trailingSlash: boolean }, RootFacts]>([
    ["dir onto an existing file", src("/a/src"), dst("/b/f"), facts("dir", "file")],
    ["dir contents onto an existing file", src("/a/src", true), dst("/b/f"), facts("dir", "file")],
    ["dir onto a dangling symlink", src("/a/src"), dst("/b/l"), facts("dir", "symlink")],
    ["dst/ names an existing file", src("/a/f.txt"), dst("/b/f", true), facts("file", "file")],
    ["dir into dst/ that is a file", src("/a/src"), dst("/b/f", true), facts("dir", "file")],
    ["file/ as a contents source", src("/a/f.txt", true), dst("/b"), facts("file", "dir")],
    ["dangling link/ as a contents source", src("/a/l", true), dst("/b"), facts("symlink", "dir")],
  ])("%s", (_name, source, dest, rootFacts) => {
    let err: unknown;
    try {
      resolveRoots(source, dest, rootFacts);
    } catch (e) {
      err = e;
    }
    expect(isBlitError(err) ? { code: err.code, details: err.details } : err).toEqual({
      code: "USAGE",
      details: { source: source.path, destination: dest.path },
    });
  });
});

describe("overlaps", () => {
  test.each<[string, string, boolean]>([
    ["/a", "/a", true],
    ["/a", "/a/b", true],
    ["/a/b", "/a", true],
    ["/a/", "/a//b", true],
    ["/", "/x", true],
    ["/a", "/ab", false],
    ["/a/b", "/a/c", false],
    ["", "x/y", true],
    ["x", "x/y", true],
    ["x", "xy", false],
  ])("%p and %p → %p", (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
  });
});
