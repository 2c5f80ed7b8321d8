// Issue 15 part 3: `--log-file FILE` appends, run after run, a line naming the run, one line per
// change (the -v lines, without -v), each warning, and the summary line — every line prefixed
// `YYYY/MM/DD HH:MM:SS [pid] ` as rsync's log is — on every route (a delegated mirror's changes
// and deletions come from the daemon). A log that cannot be opened is exit 2, nothing copied.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { routeEnds } from "../harness/route-ends.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let daemons: RouteDaemons;

beforeAll(async () => {
  dir = makeTempDir("log-file");
  daemons = await startRouteDaemons(dir.path);
}, 30_000);
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

const PREFIX = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[\d+\] /;

test("every route: the run, each change, the summary; a second run appends", async () => {
  const routes = routeEnds(daemons, dir.path, "r");
  for (const route of Object.keys(routes)) {
    writeTree(join(dir.path, "r", route, "src"), { "a.txt": "a", "sub/b.txt": "b" });
    writeTree(join(dir.path, "r", route, "dst"), { "stale.txt": "gone" });
  }
  const logs = Object.keys(routes).map((route) => join(dir.path, `${route}.log`));
  const runs = await Promise.all(Object.values(routes).map(([s, d], k) => runCli(["mirror", "-y", "-q", "--log-file", logs[k]!, s, d])));
  for (const [k, route] of Object.keys(routes).entries()) {
    expectExit(runs[k]!, 0);
    expect({ route, stdout: runs[k]!.stdout }).toEqual({ route, stdout: "" });
    const lines = readFileSync(logs[k]!, "utf8").trimEnd().split("\n");
    expect(lines.every((l) => PREFIX.test(l))).toBe(true);
    const text = lines.map((l) => l.replace(PREFIX, ""));
    const [s, d] = routes[route as keyof typeof routes];
    expect({ route, first: text[0], last: text.at(-1) }).toEqual({ route, first: `mirror ${s} ${d}`, last: expect.stringMatching(/^mirror: 2 files examined, 2 transferred .*, 1 deleted, 0 failed in /) });
    expect({ route, changes: text.slice(1, -1).filter((l) => !l.startsWith("warning: ")).sort() }).toEqual({ route, changes: ["copy a.txt", "copy sub/b.txt", "delete stale.txt", "mkdir sub"] });
  }
  // A second run changes nothing and appends its own two lines.
  const again = await runCli(["mirror", "-y", "--log-file", logs[0]!, ...routes.local]);
  expectExit(again, 0);
  const text = readFileSync(logs[0]!, "utf8").trimEnd().split("\n").map((l) => l.replace(PREFIX, ""));
  expect(text.slice(-2)).toEqual([`mirror ${routes.local[0]} ${routes.local[1]}`, expect.stringMatching(/^mirror: 2 files examined, 0 transferred .*, 2 skipped, 0 deleted, 0 failed in /)]);
  expect(text).toHaveLength(8);
});

test("warnings go to the log too", async () => {
  const src = join(dir.path, "w", "src");
  writeTree(src, { "f.txt": "f" });
  expect(Bun.spawnSync(["mkfifo", join(src, "pipe")]).exitCode).toBe(0);
  const log = join(dir.path, "w.log");
  expectExit(await runCli(["copy", "-q", "--log-file", log, `${src}/`, join(dir.path, "w", "dst")]), 0);
  expect(readFileSync(log, "utf8")).toMatch(/\] warning: skipping special file pipe/);
});

test("a log file that cannot be opened is exit 2 and nothing is copied", async () => {
  const src = join(dir.path, "w", "src");
  const r = await runCli(["copy", "--log-file", join(dir.path, "no", "such", "dir.log"), `${src}/`, join(dir.path, "never")]);
  expectExit(r, 2);
  expect(r.stderr).toContain("cannot open --log-file");
  expect(existsSync(join(dir.path, "never"))).toBe(false);
});
