// SPEC §3 "--max-delete N": every entry a deletion removes counts, the contents of a deleted
// directory included (as rsync counts them), and the mirror confirmation states that same number.
// Locally and pushed to a daemon.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

/** 200 files in old/, old/ itself and stale.txt. */
const PLANNED = 202;
const A = { content: "a", mtime: 1_600_000_000_000_000_000n };

let tmp: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  tmp = makeTempDir("max-delete-contents");
  writeTree(join(tmp.path, "src"), { "a.txt": A });
  daemon = await startDaemon({ modules: { m: { path: tmp.path } } });
});
afterAll(async () => {
  await daemon.stop();
  tmp[Symbol.dispose]();
});

function destination(route: "local" | "push"): { dir: string; end: string } {
  const dir = join(tmp.path, `dst-${route}`);
  const files: Record<string, string | typeof A> = { "a.txt": A, "stale.txt": "s" };
  for (let i = 0; i < 200; i++) files[`old/f${i}.txt`] = String(i);
  writeTree(dir, files);
  return { dir, end: route === "local" ? `${dir}/` : `${daemon.control}:/m/dst-${route}/` };
}

test.each(["local", "push"] as const)("%s: a directory of 200 files and a file count 202 deletions", async (route) => {
  const { dir, end } = destination(route);
  const src = `${join(tmp.path, "src")}/`;
  const before = snapshotTree(dir);
  const five = await runCli(["mirror", "-y", "--max-delete", "5", src, end]);
  expectExit(five, 8);
  expect(five.stderr).toContain(`${PLANNED} deletions planned, more than --max-delete 5`);
  expectExit(await runCli(["mirror", "-y", "--max-delete", String(PLANNED - 1), src, end]), 8);
  const asked = await runCli(["mirror", src, end]);
  expectExit(asked, 11);
  expect(asked.stderr).toContain(`delete ${PLANNED} entries`);
  expectTreesEqual(before, snapshotTree(dir), { metadata: true, ignoreRoot: true });
  const r = await runCli(["mirror", "-y", "--json", "--max-delete", String(PLANNED), src, end]);
  expectExit(r, 0);
  expect(r.json).toMatchObject({ entries_deleted: PLANNED, outcome: "success" });
  expectTreesEqual(join(tmp.path, "src"), dir);
});
