// SPEC §3 (`-n` plans what the run does): a filtered mirror removes an extraneous destination
// directory once its deletions left it empty; its dry run names and counts those directories
// too, so the -n lines, the dry-run count and the -y question match the real run (a directory
// still holding an entry the filter keeps stays, and is not counted). Local, push and pull.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli, stdoutLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

let dir: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  dir = makeTempDir("dry-emptied");
  daemon = await startDaemon({ modules: { t: { path: dir.path } } });
}, 30_000);
afterAll(async () => {
  await daemon[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

test.each(["local", "push", "pull"] as const)("%s: the dry run names and counts what the real run deletes", async (route) => {
  const root = join(dir.path, route);
  writeTree(root, { "src/a.txt": "a", "dst/a.txt": "a", "dst/x/y/f": "f", "dst/x/g": "g", "dst/k/keep.tmp": "kept", "dst/k/u": "u" });
  const remote = (side: string) => `${daemon.control}:/t/${route}/${side}/`;
  const [src, dst] = route === "local" ? [`${join(root, "src")}/`, join(root, "dst")] : route === "push" ? [`${join(root, "src")}/`, remote("dst")] : [remote("src"), join(root, "dst")];
  const dry = await runCli(["mirror", "-n", "--exclude", "*.tmp", src, dst]);
  const real = await runCli(["mirror", "-y", "-v", "--exclude", "*.tmp", src, dst]);
  expectExit(dry, 0);
  expectExit(real, 0);
  const deletions = (r: typeof dry) => stdoutLines(r).filter((l) => l.startsWith("delete ")).sort();
  expect(deletions(dry)).toEqual(["delete k/u", "delete x", "delete x/g", "delete x/y", "delete x/y/f"]);
  expect(deletions(real)).toEqual(deletions(dry));
  expect(dry.stdout).toContain("5 to delete");
  expect(real.stdout).toContain("5 deleted");
  expect(listTree(join(root, "dst"))).toEqual(["a.txt", "k/", "k/keep.tmp"]);
});
