// A new file inherits an access ACL from its directory's default ACL; blit removes it when the source has none. Which
// directories have one is remembered per directory within a write job, whose files may alternate between
// directories: a file in a directory with a default ACL must never be taken for one in a directory without.
import { describe, expect, test } from "bun:test";
import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { keepXattrs, newWriteJob } from "../../src/adapters/local/fidelity-write.ts";
import { readXattrs } from "../../src/adapters/local/xattrs.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";
import { FIDELITY_TARGETS, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";

const PLAIN: EntryMeta = { kind: "file", size: 0, mtimeNs: 0n, mode: 0o644, uid: 0, gid: 0, xattrs: [] };

describe.skipIf(!TOOLS.ok).each(FIDELITY_TARGETS)("on %s", (_label, base) => {
  test("files alternating between a plain directory and one with a default ACL all end without an ACL", () => {
    using dir = tempDirOn(base, "acl-jobs");
    const plain = join(dir.path, "plain");
    const inheriting = join(dir.path, "inheriting");
    mkdirSync(plain);
    mkdirSync(inheriting);
    run(["setfacl", "-d", "-m", "u:nobody:rw", inheriting]);
    newWriteJob();
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      const path = join(i % 2 === 0 ? plain : inheriting, `f${i}`);
      const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        expect(keepXattrs(fd, PLAIN, path, true)).toBeUndefined();
      } finally {
        closeSync(fd);
      }
      made.push(path);
    }
    expect(made.map((p) => [p, readXattrs(p, p)])).toEqual(made.map((p) => [p, []]));
  });
});
