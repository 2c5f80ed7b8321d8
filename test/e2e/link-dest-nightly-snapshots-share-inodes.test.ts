// SPEC §3 "Snapshots", issue 15: a nightly snapshot script of three runs, each with --link-dest of
// the previous night, gives trees whose unchanged files share inodes (one inode, one link per
// night), so `du` of the three is barely more than one; locally and pushed to a daemon (DIR inside
// the same module). A changed file is a new copy; a --link-dest that does not exist is one warning.
import { expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { BLIT, expectExit, runCli, runProgram, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const KIB = 1024;
/** The nightly script: copies SRC into BACKUPS/NIGHT, linking what did not change since BACKUPS/PREV. */
const NIGHTLY = `#!/bin/bash
set -eu
src=$1 backups=$2 night=$3 prev=\${4:-}
if [ -n "$prev" ]; then exec "$BLIT" copy --json --link-dest "../$prev" "$src/" "$backups/$night"; fi
exec "$BLIT" copy --json "$src/" "$backups/$night"
`;

const ino = (p: string) => statSync(p).ino;
const nlink = (p: string) => statSync(p).nlink;
const duKib = (...paths: string[]) => Number(execFileSync("du", ["-sk", "-c", ...paths], { encoding: "utf8" }).trim().split("\n").at(-1)!.split("\t")[0]);

/** Night 1: three 256 KiB files; night 2: one changed; night 3: one added, one removed. */
function nights(src: string): (() => void)[] {
  return [
    () => writeTree(src, { "big-a.bin": randomBytes(256 * KIB), "big-b.bin": randomBytes(256 * KIB), "docs/notes.txt": "v1", "docs/big-c.bin": randomBytes(256 * KIB) }),
    () => writeFileSync(join(src, "docs/notes.txt"), "version two"),
    () => {
      writeFileSync(join(src, "new.txt"), "new");
      rmSync(join(src, "big-b.bin"));
    },
  ];
}

test.concurrent("three local nights with --link-dest share the inodes of unchanged files; du of three ≈ one", async () => {
  using tmp = makeTempDir("link-dest-local");
  const src = join(tmp.path, "src");
  const backups = join(tmp.path, "backups");
  const script = join(tmp.path, "nightly.sh");
  writeFileSync(script, NIGHTLY, { mode: 0o755 });
  const names = ["2026-12-01", "2026-12-02", "2026-12-03"];
  const steps = nights(src);
  const summaries = [];
  for (let i = 0; i < 3; i++) {
    steps[i]!();
    const r = await runProgram("bash", [script, src, backups, names[i]!, ...(i > 0 ? [names[i - 1]!] : [])], { env: { BLIT } });
    expectExit(r, 0);
    summaries.push(summaryCounts(r));
  }
  expect(summaries[1]).toMatchObject({ files_transferred: 1, files_skipped: 3, outcome: "success" });
  expect(summaries[2]).toMatchObject({ files_transferred: 1, files_skipped: 3, outcome: "success" });
  const [n1, n2, n3] = names.map((n) => join(backups, n));
  expect(listTree(n3!)).toEqual(["big-a.bin", "docs/", "docs/big-c.bin", "docs/notes.txt", "new.txt"]);
  expect(listTree(n1!)).toEqual(["big-a.bin", "big-b.bin", "docs/", "docs/big-c.bin", "docs/notes.txt"]);
  // Unchanged across all three nights: one inode with three links.
  for (const f of ["big-a.bin", "docs/big-c.bin"]) {
    expect(new Set([ino(join(n1!, f)), ino(join(n2!, f)), ino(join(n3!, f))]).size).toBe(1);
    expect(nlink(join(n3!, f))).toBe(3);
  }
  expect(ino(join(n1!, "big-b.bin"))).toBe(ino(join(n2!, "big-b.bin")));
  // The changed file is a copy of its own each time it changed, linked the night after.
  expect(ino(join(n1!, "docs/notes.txt"))).not.toBe(ino(join(n2!, "docs/notes.txt")));
  expect(ino(join(n2!, "docs/notes.txt"))).toBe(ino(join(n3!, "docs/notes.txt")));
  const one = duKib(n1!);
  const three = duKib(n1!, n2!, n3!);
  expect(three).toBeGreaterThanOrEqual(one);
  expect(three).toBeLessThan(one * 1.1);
});

test.concurrent("three nights pushed to a daemon link inside the module; a --link-dest that does not exist warns once", async () => {
  using tmp = makeTempDir("link-dest-push");
  const src = join(tmp.path, "src");
  const mod = join(tmp.path, "mod");
  writeTree(mod, { "backups/.keep": "" });
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const steps = nights(src);
  const names = ["n1", "n2", "n3"];
  for (let i = 0; i < 3; i++) {
    steps[i]!();
    const link = i === 0 ? ["--link-dest", "../missing"] : ["--link-dest", `../${names[i - 1]}`];
    const r = await runCli(["copy", "--json", ...link, `${src}/`, `${daemon.control}:/m/backups/${names[i]}`]);
    expectExit(r, 0);
    if (i === 0) expect(r.stderr.match(/--link-dest \.\.\/missing is not a directory/g)?.length).toBe(1);
    else {
      expect(summaryCounts(r)).toMatchObject({ files_transferred: 1, files_skipped: 3, outcome: "success" });
      expect(r.json?.bytes_transferred).toBe(i === 1 ? "version two".length : "new".length);
    }
  }
  const [n1, n2, n3] = names.map((n) => join(mod, "backups", n));
  for (const f of ["big-a.bin", "docs/big-c.bin"]) {
    expect(new Set([ino(join(n1!, f)), ino(join(n2!, f)), ino(join(n3!, f))]).size).toBe(1);
  }
  expect(duKib(n1!, n2!, n3!)).toBeLessThan(duKib(n1!) * 1.1);
});

test.concurrent("-n -v names each file it would link and creates nothing; with -c equal content links and an mtime change copies", async () => {
  using tmp = makeTempDir("link-dest-dry");
  const src = join(tmp.path, "src");
  const backups = join(tmp.path, "backups");
  writeTree(src, { "a.txt": "same a", "b.txt": "same b", "c.txt": "c" });
  expectExit(await runCli(["copy", `${src}/`, join(backups, "n1")]), 0);
  writeFileSync(join(src, "c.txt"), "c changed");
  const dry = await runCli(["copy", "-n", "-v", "--link-dest", "../n1", `${src}/`, join(backups, "n2")]);
  expectExit(dry, 0);
  expect(dry.stdout.split("\n").filter((l) => /^(link|copy) [a-z]/.test(l))).toEqual(["link a.txt", "link b.txt", "copy c.txt"]);
  expect(listTree(backups).some((p) => p.startsWith("n2"))).toBe(false);
  execFileSync("touch", ["-d", "2001-01-01", join(backups, "n1", "b.txt")]);
  const r = await runCli(["copy", "-c", "--json", "--link-dest", "../n1", `${src}/`, join(backups, "n2")]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toMatchObject({ files_transferred: 2, files_skipped: 1, outcome: "success" });
  expect(ino(join(backups, "n2", "a.txt"))).toBe(ino(join(backups, "n1", "a.txt")));
  expect(ino(join(backups, "n2", "b.txt"))).not.toBe(ino(join(backups, "n1", "b.txt")));
});
