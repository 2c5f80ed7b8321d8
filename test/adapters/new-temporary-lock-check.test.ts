// A new temporary's lock check (temp-lock.ts lockNewTemporary) tells a temporary a cleaner removed
// before the writer locked it by its link count, and reports the owner and mode it was created
// with (finishTemp sets owner and mode only where they differ). In-parent creation and rename
// (in-parent.ts) name the same entries as the /proc/self/fd paths beneath.ts makes.
import { afterAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasLibc } from "../../src/adapters/local/libc.ffi.ts";
import { createExclusive, renameInDir } from "../../src/adapters/local/in-parent.ts";
import { lockNewTemporary } from "../../src/adapters/local/temp-lock.ts";

const dir = fs.mkdtempSync(join(tmpdir(), "blit-new-temp-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.skipIf(!hasLibc())("a temporary still named is locked and reported as created; one already unlinked is lost", () => {
  const kept = join(dir, "kept");
  const fd = fs.openSync(kept, "wx", 0o640);
  fs.fchmodSync(fd, 0o640);
  const st = fs.fstatSync(fd);
  expect(lockNewTemporary(fd)).toEqual({ uid: st.uid, gid: st.gid, mode: 0o640 });
  fs.closeSync(fd);

  const gone = join(dir, "gone");
  const fd2 = fs.openSync(gone, "wx");
  fs.unlinkSync(gone);
  expect(lockNewTemporary(fd2)).toBe(false);
  fs.closeSync(fd2);
});

test("a file created and renamed through its parent's /proc/self/fd path lands under the new name; errors carry node's codes", () => {
  const sub = join(dir, "sub");
  fs.mkdirSync(sub);
  const dfd = fs.openSync(sub, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    const tmp = `/proc/self/fd/${dfd}/.tmp-a`;
    const fd = createExclusive(tmp, tmp, 0o600);
    fs.writeSync(fd, "bytes");
    fs.closeSync(fd);
    expect(() => createExclusive(tmp, tmp, 0o600)).toThrow(expect.objectContaining({ code: "EEXIST" }));
    const dst = `/proc/self/fd/${dfd}/a`;
    renameInDir(tmp, tmp, dst, dst);
    expect(fs.readFileSync(join(sub, "a"), "utf8")).toBe("bytes");
    expect(fs.existsSync(join(sub, ".tmp-a"))).toBe(false);
    expect(() => renameInDir(tmp, tmp, dst, dst)).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(() => createExclusive(`/proc/self/fd/${dfd}/missing/x`, `/proc/self/fd/${dfd}/missing/x`, 0o600)).toThrow(expect.objectContaining({ code: "ENOENT" }));
  } finally {
    fs.closeSync(dfd);
  }
});
