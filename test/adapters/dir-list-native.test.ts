// The native directory lister (dir-list.c through bun:ffi's cc) gives exactly what the per-entry calls give: the same
// entries in the same order, the same metadata (sizes, times, owners, hard links, holes, symlink targets, attributes),
// names that are not UTF-8, blit temporaries left out, and nothing lost or repeated when the records of one directory
// need several calls.
import { afterAll, expect, test } from "bun:test";
import { closeSync, constants, linkSync, mkdirSync, openSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildNativeLister, listRecords, useNativeLister } from "../../src/adapters/local/dir-list.ffi.ts";
import { listDir } from "../../src/adapters/local/fs-read.ts";
import { writeXattrs } from "../../src/adapters/local/xattrs.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
afterAll(() => useNativeLister(true));

/** listDir of `dir` through the per-entry calls and through the native lister. */
function bothWays(dir: string) {
  useNativeLister(false);
  const perEntry = listDir(dir);
  useNativeLister(true);
  const native = listDir(dir);
  return { perEntry, native };
}

test("the lister builds on this machine and answers records for an open directory", () => {
  using tmp = makeTempDir("dir-list-build");
  writeFileSync(join(tmp.path, "a"), "a");
  expect(buildNativeLister()).toBe(true);
  const fd = openSync(tmp.path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    const out = new Uint8Array(64 * 1024);
    expect(listRecords(fd, out)).toBeGreaterThan(70);
    expect(listRecords(fd, out)).toBe(0);
  } finally {
    closeSync(fd);
  }
});

test("every kind of entry reads the same through both listers", () => {
  using tmp = makeTempDir("dir-list-kinds");
  const d = tmp.path;
  writeFileSync(join(d, "plain.txt"), "hello");
  writeFileSync(join(d, "empty"), "");
  writeFileSync(join(d, "sparse.img"), "x");
  truncateSync(join(d, "sparse.img"), 64 * 1024 * 1024);
  mkdirSync(join(d, "sub"), { mode: 0o750 });
  symlinkSync("plain.txt", join(d, "link"));
  symlinkSync("/nowhere/at/all", join(d, "dangling"));
  writeFileSync(join(d, "linked-a"), "shared");
  linkSync(join(d, "linked-a"), join(d, "linked-b"));
  execFileSync("mkfifo", [join(d, "fifo")]);
  writeFileSync(join(d, "tagged"), "with attributes");
  const fd = openSync(join(d, "tagged"), constants.O_RDWR);
  try {
    expect(writeXattrs(fd, [["user.comment", bytes("holiday")], ["user.empty", new Uint8Array()]], "tagged")).toEqual([]);
  } finally {
    closeSync(fd);
  }
  writeFileSync(Buffer.concat([Buffer.from(join(d, "caf")), Buffer.from([0xe9])]), "latin-1 name");
  writeFileSync(join(d, "replacement-\ufffd"), "a real U+FFFD in the name");
  writeFileSync(join(d, ".blit-tmp-zz.1-plain.txt"), "a temporary: never listed");

  const { perEntry, native } = bothWays(d);
  expect(native).toEqual(perEntry);
  const names = native.entries.map((e) => e.name).sort();
  expect(names).toEqual(["caf\udce9", "dangling", "empty", "fifo", "link", "linked-a", "linked-b", "plain.txt", "replacement-\ufffd", "sparse.img", "sub", "tagged"]);
  const meta = Object.fromEntries(native.entries.map((e) => [e.name, e.meta]));
  expect(meta["tagged"]!.xattrs).toEqual([["user.comment", bytes("holiday")], ["user.empty", new Uint8Array()]]);
  expect(meta["link"]!.linkTarget).toBe("plain.txt");
  expect(meta["linked-a"]!.inode).toEqual(meta["linked-b"]!.inode!);
  expect(meta["linked-a"]!.inode!.nlink).toBe(2);
  expect(meta["sparse.img"]!.blocks).toBeLessThan(64 * 2048);
  expect([meta["fifo"]!.kind, meta["sub"]!.kind, meta["sub"]!.mode]).toEqual(["special", "dir", 0o750]);
});

test("a directory whose records fill the buffer several times is listed whole, each entry once", () => {
  using tmp = makeTempDir("dir-list-many");
  const names = Array.from({ length: 4000 }, (_, i) => `${String(i).padStart(5, "0")}-${"n".repeat(180)}`);
  for (const name of names) writeFileSync(join(tmp.path, name), name.slice(0, 5));
  const { perEntry, native } = bothWays(tmp.path);
  expect(native.entries.map((e) => e.name).sort()).toEqual(names);
  expect(native).toEqual(perEntry);
});

test("an unreadable directory fails the same way through both", () => {
  using tmp = makeTempDir("dir-list-missing");
  useNativeLister(true);
  expect(() => listDir(join(tmp.path, "absent"))).toThrow(/absent/);
  const gone = join(tmp.path, "file");
  writeFileSync(gone, "not a directory");
  expect(() => listDir(gone)).toThrow(/file/);
});
