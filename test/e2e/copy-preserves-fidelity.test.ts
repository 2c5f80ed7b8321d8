// SPEC §3 "Fidelity": bytes, modes, ns mtimes of files and directories, owners (as root), symlinks
// as symlinks (dangling ones too), empty directories and files, non-UTF-8 names, all kept exactly.
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, rawPath, setMtimeNs, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

const IS_ROOT = process.getuid?.() === 0;
const NON_UTF8 = Buffer.from([0x61, 0xff, 0x62]);

test.concurrent("copy of a varied tree is identical in bytes and metadata", async () => {
  using tmp = makeTempDir("fidelity");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  writeTree(src, {
    "run.sh": { content: "#!/bin/sh\necho hi\n", mode: 0o755, mtime: 1_600_000_000_123_456_789n },
    "secret.txt": { content: "top secret", mode: 0o600, mtime: 1_500_000_000_000_000_001n },
    "group.txt": { content: "shared", mode: 0o640, mtime: 1_400_000_000_999_999_999n },
    "empty-file": { content: "", mtime: 1_300_000_000_500_000_000n },
    "big.bin": { content: randomBytes(5 * 1024 * 1024 + 1), mtime: 1_650_000_000_000_000_123n },
    "private/note": { content: "inside a 0700 dir", mtime: 1_610_000_000_000_000_010n },
    private: { dir: true, mode: 0o700, mtime: 1_620_000_000_000_000_020n },
    "open/deep/er/file": "deep",
    open: { dir: true, mode: 0o755, mtime: 1_630_000_000_000_000_030n },
    "open/deep": { dir: true, mode: 0o750, mtime: 1_640_000_000_000_000_040n },
    "empty-dir": { dir: true, mode: 0o711, mtime: 1_200_000_000_000_000_000n },
    "link-to-file": { symlink: "run.sh" },
    "link-to-dir": { symlink: "open/deep" },
    "dangling": { symlink: "does/not/exist" },
    "abs-link": { symlink: "/etc/hostname" },
    ...(IS_ROOT ? { "owned.txt": { content: "not root's", uid: 1234, gid: 5678, mtime: 1_610_000_000_000_000_001n } } : {}),
  });
  const odd = rawPath(src, NON_UTF8);
  writeFileSync(odd, "named in bytes");
  setMtimeNs(odd, 1_555_555_555_555_555_555n);
  setMtimeNs(src, 1_111_111_111_111_111_111n);

  const r = await runCli(["copy", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_failed: 0, outcome: "success" });
  expect(listTree(dst)).toContain("a\\xffb");
  expect(listTree(dst)).toContain("empty-dir/");
  expectTreesEqual(src, dst, { metadata: true });
});

test.concurrent("symlinks are never followed during the walk", async () => {
  using tmp = makeTempDir("fidelity-links");
  const src = join(tmp.path, "src");
  const outside = join(tmp.path, "outside");
  writeTree(outside, { "should-not-copy.txt": "outside" });
  writeTree(src, { "a.txt": "a", "escape": { symlink: outside } });
  const dst = join(tmp.path, "dst");
  const r = await runCli(["copy", `${src}/`, dst]);
  expectExit(r, 0);
  expect(listTree(dst)).toEqual(["a.txt", "escape"]);
  expectTreesEqual(src, dst, { metadata: true });
});

test.concurrent("symlinks keep their own mtime and owner too (as rsync -a does)", async () => {
  using tmp = makeTempDir("fidelity-link-times");
  const src = join(tmp.path, "src");
  writeTree(src, {
    "file.txt": "f",
    "rel": { symlink: "file.txt", mtime: 1_500_000_000_111_111_111n },
    "dangling": { symlink: "../nowhere", mtime: 1_400_000_000_222_222_222n },
  });
  const r = await runCli(["copy", `${src}/`, join(tmp.path, "dst")]);
  expectExit(r, 0);
  expectTreesEqual(src, join(tmp.path, "dst"), { metadata: true, symlinkMeta: true });
});
