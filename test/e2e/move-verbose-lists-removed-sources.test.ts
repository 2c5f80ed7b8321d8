// SPEC §3 move: `move -v` lists each source entry it removed (`remove PATH`, the source root itself
// as `.`), and the summary counts them (`sources_removed`; "N removed from the source"), locally,
// pushed, pulled, relayed and delegated (remote→remote pulled by the destination daemon).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons } from "../harness/daemon.ts";
import { expectExit, runCli, stdoutLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let tmp: TempDir;
let daemons: RouteDaemons;

beforeAll(async () => {
  tmp = makeTempDir("move-verbose");
  daemons = await startRouteDaemons(tmp.path);
});
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  tmp[Symbol.dispose]();
});

const REMOVED = ["remove .", "remove d", "remove d/y.txt", "remove x.txt"];

/** The place `name` as `route` names it: a source (`from`) or a destination directory (`to`). */
function at(route: string, name: string, side: "from" | "to"): string {
  const { plain, delegating } = daemons;
  const remote = side === "from" ? ["pull", "remote", "delegated"].includes(route) : ["push", "remote", "delegated"].includes(route);
  if (!remote) return join(tmp.path, name);
  const daemon = route === "remote" ? (side === "from" ? delegating : plain) : route === "delegated" ? (side === "from" ? plain : delegating) : plain;
  return `${daemon.control}:/t/${name}${side === "to" ? "/" : ""}`;
}

test.each(["local", "push", "pull", "remote", "delegated"] as const)("%s: move -v names every removed source and the summary counts them", async (route) => {
  const src = join(tmp.path, `src-${route}`);
  writeTree(src, { "x.txt": "x", "d/y.txt": "y" });
  const from = at(route, `src-${route}`, "from");
  const to = at(route, `dst-${route}`, "to");
  const r = await runCli(["move", "-y", "-v", from, to]);
  expectExit(r, 0);
  const lines = stdoutLines(r);
  expect(lines.filter((l) => l.startsWith("remove ")).sort()).toEqual(REMOVED);
  expect(lines.at(-1)).toContain("4 removed from the source");
  expect(existsSync(src)).toBe(false);
  writeTree(src, { "x.txt": "x2" });
  const json = await runCli(["move", "-y", "--json", from, at(route, `again-${route}`, "to")]);
  expectExit(json, 0);
  expect(json.json).toMatchObject({ sources_removed: 2, entries_deleted: 0, route });
});
