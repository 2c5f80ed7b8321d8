// SPEC §3 "Atomic writes": files are written under a temporary name and renamed into place. While
// a file is being replaced, its destination name shows the previous version whole (the same
// inode, which a reader holding it open keeps reading unchanged) until the complete new version
// takes its place; no run shows a partial file under the final name; after a run no `.blit-tmp-`
// name is left anywhere in the destination.
import { expect, test } from "bun:test";
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

const temporaries = (root: string) => listTree(root).filter((p) => p.includes(".blit-tmp-"));

test.concurrent("copy, re-copy over changed files and mirror leave no temporaries", async () => {
  using tmp = makeTempDir("atomic");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  const files: Record<string, string | Uint8Array> = { "big.bin": randomBytes(3 * 1024 * 1024) };
  for (let i = 0; i < 40; i++) files[`d${i % 4}/f${i}.txt`] = `file ${i}`;
  writeTree(src, { ...files, "link": { symlink: "big.bin" } });
  const first = await runCli(["copy", `${src}/`, dst]);
  expectExit(first, 0);
  expect(temporaries(dst)).toEqual([]);

  writeTree(src, { "d0/f0.txt": "changed content", "big.bin": randomBytes(1024 * 1024) });
  writeTree(dst, { "extra/x.txt": "to delete" });
  const second = await runCli(["mirror", "--yes", `${src}/`, dst]);
  expectExit(second, 0);
  expect(temporaries(dst)).toEqual([]);
  expectTreesEqual(src, dst, { metadata: true });
});

const SIZE = 2 * 1024 * 1024;

/** What one look at the destination name saw. */
type Seen = "old" | "new" | "other";

test.each(["pull", "push"] as const)("%s: while a file is replaced (paced by --bwlimit) its name shows the whole old version, then the whole new one", async (route) => {
  using tmp = makeTempDir(`atomic-${route}`);
  const [src, dst, module] = [join(tmp.path, "src"), join(tmp.path, "dst"), join(tmp.path, "module")];
  const [oldBytes, newBytes] = [randomBytes(SIZE), randomBytes(SIZE)];
  const destDir = route === "pull" ? dst : module;
  writeTree(route === "pull" ? module : src, { "big.bin": newBytes });
  writeTree(destDir, { "big.bin": oldBytes });
  await using daemon = await startDaemon({ modules: { m: { path: module } } });
  const target = join(destDir, "big.bin");
  const oldIno = lstatSync(target).ino;
  // A reader holding the previous version open: an in-place write would change what it reads.
  const held = openSync(target, "r");
  try {
    const remote = `${daemon.control}:/m/big.bin`;
    const args = route === "pull" ? [remote, target] : [join(src, "big.bin"), remote];
    let running = true;
    const run = runCli(["copy", "--bwlimit", "1M", ...args]).finally(() => (running = false));
    const seen: Seen[] = [];
    let midWrite = false;
    while (running) {
      const ino = lstatSync(target).ino;
      const bytes = readFileSync(target);
      const look: Seen = bytes.equals(oldBytes) ? "old" : bytes.equals(newBytes) ? "new" : "other";
      if (seen.at(-1) !== look) seen.push(look);
      if (look === "old" && ino === oldIno && readdirSync(destDir).some((n) => n.startsWith(".blit-tmp-"))) midWrite = true;
      await new Promise((r) => setImmediate(r));
    }
    expectExit(await run, 0);
    const last = readFileSync(target);
    if (seen.at(-1) !== "new" && last.equals(newBytes)) seen.push("new");
    expect({ seen, midWrite }).toEqual({ seen: ["old", "new"], midWrite: true });
    expect(lstatSync(target).ino).not.toBe(oldIno);
    const kept = Buffer.alloc(SIZE + 1);
    expect(kept.subarray(0, readSync(held, kept, 0, SIZE + 1, 0)).equals(oldBytes)).toBe(true);
    expect(temporaries(destDir)).toEqual([]);
  } finally {
    closeSync(held);
  }
}, 60_000);
