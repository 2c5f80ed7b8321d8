// SPEC §3 "Snapshots": --backup-dir DIR keeps what a run would destroy — a destination file written
// over is kept in DIR as it was, an entry a mirror deletes is moved there — each at its path below
// the destination; locally and pushed to a daemon. Refusals: a DIR leading out of the daemon's
// module or through a symlink in it (exit 4, before anything changes), a DIR overlapping the source
// or a mirror's destination (exit 2). A dry run links, keeps and moves nothing; an incomplete scan
// moves nothing aside (mirror safety).
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree, snapshotTree } from "../harness/tree-compare.ts";
import { handOver, UNPRIVILEGED } from "../harness/unprivileged.ts";

const read = (p: string) => readFileSync(p, "utf8");

/** A destination mirrored once, then a source with one file changed, one removed, one directory removed. */
function prepared(top: string, dst: string): string {
  const src = join(top, "src");
  writeTree(src, { "keep.txt": "same", "change.txt": "old", "gone.txt": "bye", "olddir/x.txt": "x", "sub/deep.txt": "d1" });
  return src;
}

function changeSource(src: string): void {
  writeFileSync(join(src, "change.txt"), "new content");
  writeFileSync(join(src, "sub/deep.txt"), "d2 changed");
  rmSync(join(src, "gone.txt"));
  rmSync(join(src, "olddir"), { recursive: true });
}

test.concurrent("local mirror with --backup-dir keeps replaced files and moves deleted ones aside", async () => {
  using tmp = makeTempDir("backup-local");
  const dst = join(tmp.path, "dst");
  const src = prepared(tmp.path, dst);
  expectExit(await runCli(["mirror", "--yes", `${src}/`, dst]), 0);
  const keepIno = statSync(join(dst, "keep.txt")).ino;
  changeSource(src);
  const before = snapshotTree(tmp.path);
  const dry = await runCli(["mirror", "--yes", "-n", "--json", "--backup-dir", "../old", `${src}/`, dst]);
  expectExit(dry, 0);
  expect(snapshotTree(tmp.path)).toEqual(before);
  const r = await runCli(["mirror", "--yes", "--json", "--backup-dir", "../old", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 2, entries_deleted: 3, files_failed: 0, outcome: "success" });
  const old = join(tmp.path, "old");
  expect(listTree(old)).toEqual(["change.txt", "gone.txt", "olddir/", "olddir/x.txt", "sub/", "sub/deep.txt"]);
  expect([read(join(old, "change.txt")), read(join(old, "gone.txt")), read(join(old, "olddir/x.txt")), read(join(old, "sub/deep.txt"))]).toEqual(["old", "bye", "x", "d1"]);
  expect(listTree(dst)).toEqual(["change.txt", "keep.txt", "sub/", "sub/deep.txt"]);
  expect([read(join(dst, "change.txt")), read(join(dst, "sub/deep.txt"))]).toEqual(["new content", "d2 changed"]);
  expect(statSync(join(dst, "keep.txt")).ino).toBe(keepIno);
  // A second change of the same file: the backup of that path is the version just replaced.
  writeFileSync(join(src, "change.txt"), "third");
  expectExit(await runCli(["copy", "--backup-dir", "../old", `${src}/`, dst]), 0);
  expect(read(join(old, "change.txt"))).toBe("new content");
});

test.concurrent("pushed to a daemon: --backup-dir inside the module keeps replaced and deleted files; escaping DIRs exit 4", async () => {
  using tmp = makeTempDir("backup-push");
  const mod = join(tmp.path, "mod");
  writeTree(mod, { "outside-dst.txt": "o" });
  writeTree(tmp.path, { "secret/s.txt": "s" });
  symlinkSync("../secret", join(mod, "out"));
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const dst = `${daemon.control}:/m/dst`;
  const src = prepared(tmp.path, join(mod, "dst"));
  expectExit(await runCli(["mirror", "--yes", `${src}/`, dst]), 0);
  changeSource(src);
  const before = snapshotTree(tmp.path);
  for (const [flag, dir] of [["--backup-dir", "../../old"], ["--link-dest", "../../secret"], ["--backup-dir", "../a/../../old"]] as const) {
    const refused = await runCli(["mirror", "--yes", flag, dir, `${src}/`, dst]);
    expectExit(refused, 4);
    expect(refused.stderr).toContain(`${flag} ${dir} leads out of the daemon's module`);
    expect(refused.stderr).toContain("name a directory inside the same module");
  }
  for (const [flag, dir] of [["--backup-dir", "/out/bk"], ["--link-dest", "../out"]] as const) {
    const refused = await runCli(["mirror", "--yes", flag, dir, `${src}/`, dst]);
    expectExit(refused, 4);
    expect(refused.stderr).toContain(`${flag} ${dir} goes through the symlink out in the daemon's module`);
  }
  expect(snapshotTree(tmp.path)).toEqual(before);
  const r = await runCli(["mirror", "--yes", "--json", "--backup-dir", "/backups/night1", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 2, entries_deleted: 3, files_failed: 0, outcome: "success" });
  const old = join(mod, "backups/night1");
  expect(listTree(old)).toEqual(["change.txt", "gone.txt", "olddir/", "olddir/x.txt", "sub/", "sub/deep.txt"]);
  expect(read(join(old, "change.txt"))).toBe("old");
  expect(listTree(join(mod, "dst"))).toEqual(["change.txt", "keep.txt", "sub/", "sub/deep.txt"]);
});

test.concurrent("a --backup-dir overlapping the source, or inside a mirror's destination, is refused with exit 2 and nothing changes", async () => {
  using tmp = makeTempDir("backup-refused");
  const dst = join(tmp.path, "dst");
  const src = prepared(tmp.path, dst);
  expectExit(await runCli(["copy", `${src}/`, dst]), 0);
  changeSource(src);
  const before = snapshotTree(tmp.path);
  const inSource = await runCli(["copy", "--backup-dir", join(src, "bk"), `${src}/`, dst]);
  expectExit(inSource, 2);
  expect(inSource.stderr).toContain("overlaps the source");
  const inDest = await runCli(["mirror", "--yes", "--backup-dir", "bk", `${src}/`, dst]);
  expectExit(inDest, 2);
  expect(inDest.stderr).toContain("overlaps the mirrored destination");
  expect(snapshotTree(tmp.path)).toEqual(before);
});

test.concurrent("a file replaced by a directory, and a directory replaced by a file, are kept in --backup-dir", async () => {
  using tmp = makeTempDir("backup-kinds");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, { "to-dir": "was a file", "to-file/inner.txt": "was inside a directory" });
  expectExit(await runCli(["mirror", "--yes", `${src}/`, dst]), 0);
  rmSync(join(src, "to-dir"));
  rmSync(join(src, "to-file"), { recursive: true });
  writeTree(src, { "to-dir/now.txt": "now a directory", "to-file": "now a file" });
  const r = await runCli(["mirror", "--yes", "--json", "--backup-dir", "../old", `${src}/`, dst]);
  expectExit(r, 0);
  const old = join(tmp.path, "old");
  expect(listTree(old)).toEqual(["to-dir", "to-file/", "to-file/inner.txt"]);
  expect([read(join(old, "to-dir")), read(join(old, "to-file/inner.txt"))]).toEqual(["was a file", "was inside a directory"]);
  expect(listTree(dst)).toEqual(["to-dir/", "to-dir/now.txt", "to-file"]);
});

// Mirror safety holds with --backup-dir: an incomplete scan moves nothing aside (nothing deleted).
describe.skipIf(!UNPRIVILEGED.ok)(`--backup-dir with an unreadable source (${UNPRIVILEGED.reason})`, () => {
  test.concurrent("an unlistable source directory: exit 8, no deletion, nothing moved into the backup tree", async () => {
    using tmp = makeTempDir("backup-incomplete");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    writeTree(src, { "ok.txt": "readable", "locked/inside.txt": "unlistable" });
    writeTree(dst, { "extra.txt": "must survive", "locked/stale.txt": "must survive" });
    handOver(tmp.path);
    chmodSync(join(src, "locked"), 0o000);
    const r = await runCli(["mirror", "--yes", "--json", "--backup-dir", "../old", `${src}/`, dst], { asUser: UNPRIVILEGED.user });
    expectExit(r, 8);
    expect(r.json?.entries_deleted).toBe(0);
    expect(listTree(dst)).toEqual(["extra.txt", "locked/", "locked/stale.txt", "ok.txt"]);
    expect(existsSync(join(tmp.path, "old"))).toBe(false);
  });
});
