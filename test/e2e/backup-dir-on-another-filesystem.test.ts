// SPEC §3 "Snapshots": a --backup-dir on another filesystem than the destination (as rsync does it):
// what a run sets aside there is copied with full fidelity (content with its holes, mode, mtime,
// owner, extended attributes and ACLs, symlinks as symlinks, directories with their contents) and
// only then removed from the destination. An entry that cannot be copied stays where it was, its
// failure is reported (exit 8), and no temporary is left in the backup tree. A --link-dest tree
// there cannot be linked from: its files are copied instead.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { BARE_FS, getfaclDump, getfattrDump, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree, snapshotTree } from "../harness/tree-compare.ts";

const SHM = "/dev/shm";
const ACROSS = existsSync(SHM) && statSync(SHM).dev !== statSync(tmpdir()).dev ? { ok: TOOLS.ok, reason: TOOLS.reason } : { ok: false, reason: `needs ${SHM} on another filesystem than ${tmpdir()}` };
const read = (p: string) => readFileSync(p, "utf8");
const MTIME = 1_600_000_000_123_456_789n;

describe.skipIf(!ACROSS.ok)(`--backup-dir on another filesystem (${ACROSS.ok ? `${SHM} beside ${tmpdir()}` : ACROSS.reason})`, () => {
  test.concurrent("a mirror copies the replaced file, the deleted file and the deleted directory into the backup dir with their metadata, then removes them (exit 0)", async () => {
    using tmp = makeTempDir("backup-xfs");
    using bk = tempDirOn(SHM, "backup-xfs");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    writeTree(src, { "keep.txt": "same", "change.txt": "new content" });
    expectExit(await runCli(["copy", `${src}/`, dst]), 0);
    writeTree(dst, {
      "change.txt": { content: "old", mode: 0o640, mtime: MTIME },
      "gone.txt": { content: "bye", mode: 0o600, mtime: MTIME + 1n },
      "olddir/x.txt": { content: "x with attributes", mode: 0o604, mtime: MTIME + 2n },
      "olddir/ln": { symlink: "x.txt", mtime: MTIME + 3n },
      "olddir/deeper/y.txt": { content: "y", mtime: MTIME + 4n },
      "olddir/deeper": { dir: true, mode: 0o700, mtime: MTIME + 5n },
    });
    writeFileSync(join(dst, "olddir/holes"), "");
    truncateSync(join(dst, "olddir/holes"), 8 << 20);
    writeFileSync(join(dst, "olddir/holes"), "tail", { flag: "a" });
    run(["setfattr", "-n", "user.tag", "-v", "kept", join(dst, "olddir/x.txt")]);
    run(["setfacl", "-m", "u:nobody:r", join(dst, "olddir/x.txt")]);
    run(["setfattr", "-n", "user.dirtag", "-v", "dir", join(dst, "olddir")]);
    run(["chmod", "0750", join(dst, "olddir")]);
    run(["touch", "-h", "-d", "@1500000000", join(dst, "olddir")]);
    const before = snapshotTree(dst);
    const dumps = [getfattrDump(join(dst, "olddir/x.txt")), getfaclDump(join(dst, "olddir/x.txt")), getfattrDump(join(dst, "olddir"))];

    const r = await runCli(["mirror", "--yes", "--json", "--backup-dir", bk.path, `${src}/`, dst]);
    expectExit(r, 0);
    expect(summaryCounts(r)).toMatchObject({ files_transferred: 1, files_failed: 0, outcome: "success" });
    expectTreesEqual(before, bk.path, { metadata: true, symlinkMeta: true, ignoreRoot: true, ignore: (p) => p === "keep.txt" });
    expect(listTree(bk.path)).toEqual(["change.txt", "gone.txt", "olddir/", "olddir/deeper/", "olddir/deeper/y.txt", "olddir/holes", "olddir/ln", "olddir/x.txt"]);
    expect([getfattrDump(join(bk.path, "olddir/x.txt")), getfaclDump(join(bk.path, "olddir/x.txt")), getfattrDump(join(bk.path, "olddir"))]).toEqual(dumps);
    expect(dumps[0]).toContain("user.tag");
    const holes = statSync(join(bk.path, "olddir/holes"));
    expect(holes.blocks * 512).toBeLessThan(holes.size);
    expect(listTree(dst)).toEqual(["change.txt", "keep.txt"]);
    expect([read(join(dst, "change.txt")), read(join(dst, "keep.txt"))]).toEqual(["new content", "same"]);
  });

  test.concurrent("an entry that cannot be copied (a directory holding a FIFO) stays in the destination: exit 8, named by its absolute path, no temporary left; the rest is set aside", async () => {
    using tmp = makeTempDir("backup-xfs-fail");
    using bk = tempDirOn(SHM, "backup-xfs-fail");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    writeTree(src, { "keep.txt": "same" });
    expectExit(await runCli(["copy", `${src}/`, dst]), 0);
    writeTree(dst, { "gone.txt": "bye", "withpipe/a.txt": "a", "withpipe/sub/b.txt": "b", "withpipe/z.txt": "z" });
    run(["mkfifo", join(dst, "withpipe/pipe")]);
    const kept = snapshotTree(join(dst, "withpipe"));

    const r = await runCli(["mirror", "--yes", "--backup-dir", bk.path, `${src}/`, dst]);
    expectExit(r, 8);
    expect(r.stderr).toContain(`cannot set aside ${dst}/withpipe at ${bk.path}/withpipe`);
    expect(r.stderr).toContain(`${dst}/withpipe/pipe is a FIFO, socket or device`);
    expectTreesEqual(kept, join(dst, "withpipe"), { metadata: true });
    expect(listTree(dst)).toEqual(["keep.txt", "withpipe/", "withpipe/a.txt", "withpipe/pipe", "withpipe/sub/", "withpipe/sub/b.txt", "withpipe/z.txt"]);
    expect(listTree(bk.path)).toEqual(["gone.txt"]);
    expect(read(join(bk.path, "gone.txt"))).toBe("bye");
  });

  test.concurrent("a --link-dest tree on another filesystem cannot be linked from: its unchanged file is copied instead (exit 0, no failure)", async () => {
    using tmp = makeTempDir("link-dest-xfs");
    using prev = tempDirOn(SHM, "link-dest-xfs");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    writeTree(src, { "same.txt": { content: "unchanged", mtime: MTIME } });
    writeTree(prev.path, { "same.txt": { content: "unchanged", mtime: MTIME } });
    const r = await runCli(["copy", "--json", "--link-dest", prev.path, `${src}/`, dst]);
    expectExit(r, 0);
    expect(summaryCounts(r)).toMatchObject({ files_transferred: 1, files_failed: 0 });
    expect(read(join(dst, "same.txt"))).toBe("unchanged");
    expect(statSync(join(dst, "same.txt")).nlink).toBe(1);
  });
});

/** A tmpfs mounted on `dir` (created); `using` unmounts it. */
function mountTmpfs(dir: string): Disposable {
  mkdirSync(dir, { recursive: true });
  run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", dir]);
  return { [Symbol.dispose]: () => void (Bun.spawnSync(["umount", dir]).exitCode === 0 || Bun.spawnSync(["umount", "-l", dir])) };
}

describe.skipIf(!BARE_FS.ok)(`pushed to a daemon whose module holds another filesystem (mounts a tmpfs: ${BARE_FS.reason})`, () => {
  test.concurrent("a --backup-dir on a mount inside the module gets copies of what the mirror deletes; a failure names module paths and keeps the entry", async () => {
    using tmp = makeTempDir("backup-xfs-daemon");
    const mod = join(tmp.path, "mod");
    writeTree(mod, { "dst/gone.txt": "bye", "dst/olddir/x.txt": "x", "dst/withpipe/a.txt": "a" });
    run(["mkfifo", join(mod, "dst/withpipe/pipe")]);
    using _mount = mountTmpfs(join(mod, "bk"));
    const src = join(tmp.path, "src");
    writeTree(src, { "keep.txt": "k" });
    await using daemon = await startDaemon({ modules: { m: { path: mod } } });
    const r = await runCli(["mirror", "--yes", "--backup-dir", "/bk", `${src}/`, `${daemon.control}:/m/dst`]);
    expectExit(r, 8);
    expect(r.stderr).toContain("cannot set aside dst/withpipe at bk/withpipe");
    expect(r.stderr).toContain("dst/withpipe/pipe is a FIFO, socket or device");
    expect(r.stderr).not.toContain(mod);
    expect(listTree(join(mod, "bk"))).toEqual(["gone.txt", "olddir/", "olddir/x.txt"]);
    expect(read(join(mod, "bk/olddir/x.txt"))).toBe("x");
    expect(listTree(join(mod, "dst"))).toEqual(["keep.txt", "withpipe/", "withpipe/a.txt", "withpipe/pipe"]);
  });
});
