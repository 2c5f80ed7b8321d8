// POSIX ACLs travel as the raw values of system.posix_acl_access / system.posix_acl_default (rsync -A on Linux):
// copied with readXattrs/writeXattrs onto a new file's or a directory's descriptor, getfacl shows the same ACL.
import { describe, expect, test } from "bun:test";
import { closeSync, constants, fchmodSync, mkdirSync, openSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readXattrs, writeXattrs } from "../../src/adapters/local/xattrs.ts";
import { ACL_ACCESS, ACL_DEFAULT } from "../../src/domain/fidelity.ts";
import { FIDELITY_TARGETS, getfaclDump, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";

/** Gives `path` (file or directory) the source's mode, then its attributes, through one descriptor. */
function copyOnto(path: string, src: string, directory: boolean): void {
  const flags = directory ? constants.O_RDONLY | constants.O_DIRECTORY : constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
  const fd = openSync(path, flags, 0o600);
  try {
    fchmodSync(fd, statSync(src).mode & 0o7777);
    expect(writeXattrs(fd, readXattrs(src, "src"), "dst")).toEqual([]);
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!TOOLS.ok).each(FIDELITY_TARGETS)("on %s", (_label, base) => {
  test("a file's access ACL, named users and groups and mask included, is kept", () => {
    using dir = tempDirOn(base, "acl");
    const src = join(dir.path, "src");
    writeFileSync(src, "x");
    run(["setfacl", "-m", "u:nobody:rw,g:nogroup:r,u:12345:r", src]);
    expect(readXattrs(src, "src").map(([n]) => n)).toEqual([ACL_ACCESS]);
    const dst = join(dir.path, "dst");
    copyOnto(dst, src, false);
    expect(getfaclDump(src)).toContain("user:12345:r--");
    expect(getfaclDump(dst)).toBe(getfaclDump(src));
    expect(statSync(dst).mode & 0o777).toBe(statSync(src).mode & 0o777);
  });

  test("a directory's default ACL is kept, and files created inside inherit it as in the source", () => {
    using dir = tempDirOn(base, "acl");
    const src = join(dir.path, "src");
    mkdirSync(src);
    run(["setfacl", "-m", "u:nobody:rwx", "-d", "-m", "u:nobody:rx,g:nogroup:rx", src]);
    expect(readXattrs(src, "src").map(([n]) => n)).toEqual([ACL_ACCESS, ACL_DEFAULT]);
    const dst = join(dir.path, "dst");
    mkdirSync(dst);
    copyOnto(dst, src, true);
    expect(getfaclDump(dst)).toBe(getfaclDump(src));
    writeFileSync(join(src, "new"), "");
    writeFileSync(join(dst, "new"), "");
    expect(getfaclDump(join(dst, "new"))).toBe(getfaclDump(join(src, "new")));
  });

  test("a file without an ACL loses the one its temporary inherited from a default ACL", () => {
    using dir = tempDirOn(base, "acl");
    const src = join(dir.path, "plain");
    writeFileSync(src, "x");
    const parent = join(dir.path, "inheriting");
    mkdirSync(parent);
    run(["setfacl", "-d", "-m", "u:nobody:rw", parent]);
    const dst = join(parent, "dst");
    const fd = openSync(dst, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      expect(readXattrs(fd, "dst").map(([n]) => n)).toEqual([ACL_ACCESS]);
      fchmodSync(fd, 0o644);
      expect(writeXattrs(fd, readXattrs(src, "plain"), "dst")).toEqual([]);
    } finally {
      closeSync(fd);
    }
    expect(readXattrs(dst, "dst")).toEqual([]);
    expect(getfaclDump(dst)).toBe(getfaclDump(src));
  });
});
