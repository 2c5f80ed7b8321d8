// SPEC §3 move: `move -v` lists each source entry it removed (`remove PATH`, the source root itself
// as `.`), and the summary counts them (`sources_removed`; "N removed from the source"), locally,
// pushed and pulled.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli, stdoutLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let tmp: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  tmp = makeTempDir("move-verbose");
  daemon = await startDaemon({ modules: { m: { path: tmp.path } } });
}, 30_000);
afterAll(async () => {
  await daemon.stop();
  tmp[Symbol.dispose]();
});

const REMOVED = ["remove .", "remove d", "remove d/y.txt", "remove x.txt"];

test.each(["local", "push", "pull"] as const)("%s: move -v names every removed source and the summary counts them", async (route) => {
  const src = join(tmp.path, `src-${route}`);
  writeTree(src, { "x.txt": "x", "d/y.txt": "y" });
  const from = route === "pull" ? `${daemon.control}:/m/src-${route}` : src;
  const to = route === "push" ? `${daemon.control}:/m/dst-${route}/` : join(tmp.path, `dst-${route}`);
  const r = await runCli(["move", "-y", "-v", from, to]);
  expectExit(r, 0);
  const lines = stdoutLines(r);
  expect(lines.filter((l) => l.startsWith("remove ")).sort()).toEqual(REMOVED);
  expect(lines.at(-1)).toContain("4 removed from the source");
  expect(existsSync(src)).toBe(false);
  writeTree(src, { "x.txt": "x2" });
  const again = route === "push" ? `${daemon.control}:/m/again-${route}/` : join(tmp.path, `again-${route}`);
  const json = await runCli(["move", "-y", "--json", from, again]);
  expectExit(json, 0);
  expect(json.json).toMatchObject({ sources_removed: 2, entries_deleted: 0 });
});
