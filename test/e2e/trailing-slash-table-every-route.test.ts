// SPEC §2: the trailing-slash and destination table holds on every route exactly as locally —
// `src/` copies contents, `src` nests into an existing directory or `dst/`, becomes a missing `dst`,
// a file lands in a directory or under a new name, and missing nested destination directories
// (`dir host:/m/a/b/` with a/b missing) are created. One table, run locally, pushed, pulled and
// relayed through this machine (remote→remote).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

/** [source (relative to the source area), destination (relative to the case's directory), directories made first, what the case's directory holds after]. */
const TABLE: readonly (readonly [string, string, readonly string[], readonly string[]])[] = [
  ["src/", "dst", [], ["dst/", "dst/a.txt", "dst/sub/", "dst/sub/b.txt"]],
  ["src/", "dst/", [], ["dst/", "dst/a.txt", "dst/sub/", "dst/sub/b.txt"]],
  ["src", "dst/", [], ["dst/", "dst/src/", "dst/src/a.txt", "dst/src/sub/", "dst/src/sub/b.txt"]],
  ["src", "dst", ["dst"], ["dst/", "dst/src/", "dst/src/a.txt", "dst/src/sub/", "dst/src/sub/b.txt"]],
  ["src", "dst", [], ["dst/", "dst/a.txt", "dst/sub/", "dst/sub/b.txt"]],
  ["file.txt", "dst", ["dst"], ["dst/", "dst/file.txt"]],
  ["file.txt", "dst/", [], ["dst/", "dst/file.txt"]],
  ["file.txt", "name", [], ["name"]],
  ["src", "a/b/", [], ["a/", "a/b/", "a/b/src/", "a/b/src/a.txt", "a/b/src/sub/", "a/b/src/sub/b.txt"]],
  ["src/", "a/b/c", [], ["a/", "a/b/", "a/b/c/", "a/b/c/a.txt", "a/b/c/sub/", "a/b/c/sub/b.txt"]],
  ["file.txt", "x/y/", [], ["x/", "x/y/", "x/y/file.txt"]],
];

const ROUTES = ["local", "push", "pull", "remote"] as const;

let tmp: TempDir;
let daemon: RunningDaemon;
const mod = () => join(tmp.path, "m");

beforeAll(async () => {
  tmp = makeTempDir("slash-table");
  const tree = { "src/a.txt": "a", "src/sub/b.txt": "b", "file.txt": "f" };
  writeTree(join(tmp.path, "area"), tree);
  writeTree(join(mod(), "area"), tree);
  daemon = await startDaemon({ modules: { m: { path: mod() } } });
});
afterAll(async () => {
  await daemon.stop();
  tmp[Symbol.dispose]();
});

/** The two ends of case `i` on `route`, and the local directory that holds the case's destination. */
function ends(route: (typeof ROUTES)[number], i: number, source: string, dest: string): { args: [string, string]; dir: string } {
  const remoteSource = route === "pull" || route === "remote";
  const remoteDest = route === "push" || route === "remote";
  const from = remoteSource ? `${daemon.control}:/m/area/${source}` : join(tmp.path, "area", source) + (source.endsWith("/") ? "/" : "");
  const dir = remoteDest ? join(mod(), route, `c${i}`) : join(tmp.path, route, `c${i}`);
  const to = remoteDest ? `${daemon.control}:/m/${route}/c${i}/${dest}` : join(dir, dest) + (dest.endsWith("/") ? "/" : "");
  return { args: [from, to], dir };
}

test.each(ROUTES.flatMap((route) => TABLE.map((row, i) => [route, i, ...row] as const)))(
  "%s, case %d: copy %s %s (made first: %p) gives %p",
  async (route, i, source, dest, made, expected) => {
    const { args, dir } = ends(route, i, source, dest);
    mkdirSync(dir, { recursive: true });
    for (const d of made) mkdirSync(join(dir, d), { recursive: true });
    const r = await runCli(["copy", ...args]);
    expectExit(r, 0);
    expect(listTree(dir)).toEqual([...expected]);
  },
);
