// Extended attributes read from real files and written onto a new file's descriptor (as onto a temporary) land
// exactly, on tmpfs and on the disk; checked with getfattr. Kept names: user.* always, trusted.* only privileged.
import { describe, expect, test } from "bun:test";
import { closeSync, constants, mkdirSync, openSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readXattrs, writeXattrs } from "../../src/adapters/local/xattrs.ts";
import { sameXattrs, type Xattr } from "../../src/domain/fidelity.ts";
import { BARE_FS, FIDELITY_TARGETS, fsTypeOf, getfattrDump, mountBareFs, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";

const IS_ROOT = process.geteuid?.() === 0;
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Creates `path` as a temporary would be (new, exclusive), hands its descriptor to `use`, closes it. */
function withNewFile<T>(path: string, use: (fd: number) => T): T {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

describe.each(FIDELITY_TARGETS)("on %s", (_label, base) => {
  test.skipIf(!TOOLS.ok)("user attributes, binary and empty values included, are copied onto a descriptor", () => {
    using dir = tempDirOn(base, "xattr");
    const src = join(dir.path, "src");
    writeFileSync(src, "data");
    run(["setfattr", "-n", "user.comment", "-v", "holiday photos", src]);
    run(["setfattr", "-n", "user.binary", "-v", "0x00ff10", src]);
    run(["setfattr", "-n", "user.empty", src]);
    const attrs = readXattrs(src, "src");
    expect(attrs.map(([n]) => n)).toEqual(["user.binary", "user.comment", "user.empty"]);

    const dst = join(dir.path, "dst");
    expect(withNewFile(dst, (fd) => writeXattrs(fd, attrs, "dst"))).toEqual([]);
    expect(getfattrDump(src)).toContain('user.comment=0x');
    expect(getfattrDump(dst)).toBe(getfattrDump(src));
    expect(sameXattrs(readXattrs(dst, "dst"), attrs)).toBe(true);
  });

  test.skipIf(!TOOLS.ok)("the destination ends with exactly the source's attributes: stale ones are removed", () => {
    using dir = tempDirOn(base, "xattr");
    const dst = join(dir.path, "dst");
    writeFileSync(dst, "old");
    run(["setfattr", "-n", "user.stale", "-v", "x", dst]);
    run(["setfattr", "-n", "user.kept", "-v", "old", dst]);
    const fd = openSync(dst, constants.O_RDONLY);
    try {
      expect(writeXattrs(fd, [["user.kept", bytes("new")]], "dst")).toEqual([]);
    } finally {
      closeSync(fd);
    }
    expect(readXattrs(dst, "dst")).toEqual([["user.kept", bytes("new")]]);
  });

  test.skipIf(!TOOLS.ok || !IS_ROOT)("trusted attributes are kept only when privileged", () => {
    using dir = tempDirOn(base, "xattr");
    const src = join(dir.path, "src");
    writeFileSync(src, "x");
    run(["setfattr", "-n", "trusted.origin", "-v", "backup", src]);
    run(["setfattr", "-n", "user.a", "-v", "1", src]);
    expect(readXattrs(src, "src", { privileged: false }).map(([n]) => n)).toEqual(["user.a"]);
    const all = readXattrs(src, "src", { privileged: true });
    expect(all.map(([n]) => n)).toEqual(["trusted.origin", "user.a"]);

    const dst = join(dir.path, "dst");
    withNewFile(dst, (fd) => writeXattrs(fd, all, "dst", { privileged: true }));
    expect(getfattrDump(dst)).toBe(getfattrDump(src));
    // An unprivileged writer neither sets nor removes trusted.*.
    const other = join(dir.path, "other");
    withNewFile(other, (fd) => writeXattrs(fd, all, "other", { privileged: false }));
    expect(readXattrs(other, "other", { privileged: true }).map(([n]) => n)).toEqual(["user.a"]);
  });

  test.skipIf(!TOOLS.ok || !IS_ROOT)("a path is never followed through a symlink: the link's own attributes are read and written", () => {
    using dir = tempDirOn(base, "xattr");
    const target = join(dir.path, "target");
    const link = join(dir.path, "link");
    writeFileSync(target, "x");
    run(["setfattr", "-n", "user.on-target", "-v", "1", target]);
    symlinkSync("target", link);
    expect(readXattrs(link, "link")).toEqual([]);
    // Only trusted.* and security.* can sit on a symlink (Linux refuses user.* there).
    const onLink: Xattr[] = [["trusted.on-link", bytes("2")]];
    expect(writeXattrs(link, onLink, "link", { privileged: true })).toEqual([]);
    expect(readXattrs(link, "link", { privileged: true })).toEqual(onLink);
    expect(readXattrs(target, "target", { privileged: true }).map(([n]) => n)).toEqual(["user.on-target"]);
  });

  test("a directory's attributes are written through its descriptor", () => {
    using dir = tempDirOn(base, "xattr");
    const d = join(dir.path, "d");
    mkdirSync(d);
    const fd = openSync(d, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      expect(writeXattrs(fd, [["user.dir", bytes("yes")]], "d")).toEqual([]);
    } finally {
      closeSync(fd);
    }
    expect(readXattrs(d, "d")).toEqual([["user.dir", bytes("yes")]]);
  });
});

test("a missing entry is NOT_FOUND, named in the message", () => {
  using dir = tempDirOn(FIDELITY_TARGETS[0]?.[1] ?? "/tmp", "xattr");
  expect(() => readXattrs(join(dir.path, "gone"), "gone")).toThrow(expect.objectContaining({ code: "NOT_FOUND", message: expect.stringContaining("gone") }));
});

test.skipIf(!BARE_FS.ok)("a filesystem holding no attributes: none are read, and writing them answers one UNSUPPORTED per kind", () => {
  using bare = mountBareFs("bare");
  const file = join(bare.path, "f");
  writeFileSync(file, "x");
  expect(readXattrs(file, "f")).toEqual([]);
  const attrs: Xattr[] = [
    ["system.posix_acl_access", new Uint8Array([2, 0, 0, 0, 1, 0, 6, 0, 255, 255, 255, 255, 4, 0, 4, 0, 255, 255, 255, 255, 32, 0, 4, 0, 255, 255, 255, 255])],
    ["user.a", bytes("1")],
    ["user.b", bytes("2")],
  ];
  const fd = openSync(file, constants.O_RDONLY);
  try {
    const lost = writeXattrs(fd, attrs, "f");
    expect(lost.map((e) => [e.code, e.details.kind, e.details.errno])).toEqual([
      ["UNSUPPORTED", "acls", "EOPNOTSUPP"],
      ["UNSUPPORTED", "xattrs", "EOPNOTSUPP"],
    ]);
    expect(lost[1]?.message).toBe("the destination filesystem does not hold extended attributes: not kept on f");
  } finally {
    closeSync(fd);
  }
});

const DISK = FIDELITY_TARGETS.find(([label]) => label === "disk")?.[1] ?? "/tmp";
const DISK_IS_EXT4 = fsTypeOf(DISK) === "ext2/ext3";

test.skipIf(!DISK_IS_EXT4)("an attribute too large for ext4's attribute block is UNSUPPORTED for that kind, the others land", () => {
  using dir = tempDirOn(DISK, "xattr");
  const dst = join(dir.path, "dst");
  const lost = withNewFile(dst, (fd) => writeXattrs(fd, [["user.big", new Uint8Array(10_000).fill(120)], ["user.small", bytes("s")]], "dst"));
  expect(lost.map((e) => [e.code, e.details.kind, e.details.name])).toEqual([["UNSUPPORTED", "xattrs", "user.big"]]);
  expect(readXattrs(dst, "dst").map(([n]) => n)).toEqual(["user.small"]);
});

const TMPFS = FIDELITY_TARGETS.find(([label]) => label === "tmpfs")?.[1];

test.skipIf(TMPFS === undefined)("a 60 KiB value and a 6 KiB name list (past the first, small buffer) are read whole", () => {
  using dir = tempDirOn(TMPFS ?? "/dev/shm", "xattr");
  const src = join(dir.path, "src");
  writeFileSync(src, "x");
  const big = new Uint8Array(60 * 1024).map((_, i) => i % 256);
  const many: Xattr[] = Array.from({ length: 60 }, (_, i) => [`user.${String(i).padStart(2, "0")}-${"n".repeat(90)}`, bytes(String(i))]);
  const attrs: Xattr[] = [...many, ["user.big", big]]; // sorted by name, as readXattrs answers
  const fd = openSync(src, constants.O_RDONLY);
  try {
    expect(writeXattrs(fd, attrs, "src")).toEqual([]);
  } finally {
    closeSync(fd);
  }
  expect(sameXattrs(readXattrs(src, "src"), attrs)).toBe(true);
});

test.skipIf(!TOOLS.ok)("a name that is not valid UTF-8 is kept byte for byte", () => {
  using dir = tempDirOn(FIDELITY_TARGETS[0]?.[1] ?? "/tmp", "xattr");
  const src = join(dir.path, "src");
  writeFileSync(src, "x");
  const latin1 = "user.caf\udce9"; // the byte 0xe9 alone, in blit's names-as-bytes form
  const fd = openSync(src, constants.O_RDONLY);
  try {
    expect(writeXattrs(fd, [[latin1, bytes("v")]], "src")).toEqual([]);
  } finally {
    closeSync(fd);
  }
  expect(readXattrs(src, "src")).toEqual([[latin1, bytes("v")]]);
  const dump = Bun.spawnSync(["getfattr", "-d", "--absolute-names", src]).stdout;
  expect(dump.includes(Buffer.from([...Buffer.from("user.caf"), 0xe9, ...Buffer.from('="v"')]))).toBe(true);
});
