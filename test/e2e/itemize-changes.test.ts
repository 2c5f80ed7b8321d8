// Issue 15 part 3: `-i`/`--itemize-changes` prints rsync's change string (`%i %n%L`) per changed
// entry on every route, so existing rsync log parsers work: `<` for a file sent to a remote
// destination (push, relay, delegated — where the destination daemon reports the strings), `>`
// for one received (local, pull); `cd+++++++++ dir/`, `cL+++++++++ link -> target`,
// `.f...p..... kept` (mode only), `>f.st...... changed`, `.d..t...... dir/` (an existing
// directory's mtime set: no -v line), `*deleting   name`. The same with -n, in
// --log-file, and as the `itemize` field of --json item records.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons } from "../harness/daemon.ts";
import { expectExit, runCli, stderrLines } from "../harness/run-cli.ts";
import { routeEnds, type Route } from "../harness/route-ends.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let daemons: RouteDaemons;

beforeAll(async () => {
  dir = makeTempDir("itemize");
  daemons = await startRouteDaemons(dir.path);
}, 30_000);
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

const SENDS: Readonly<Record<Route, boolean>> = { local: false, pull: false, push: true, relay: true, delegated: true };

function expected(route: Route): string[] {
  const y = SENDS[route] ? "<" : ">";
  return [
    `${y}f+++++++++ a.txt`,
    `${y}f.st...... changed.txt`,
    `.f...p..... kept.txt`,
    `cL+++++++++ link -> a.txt`,
    `cd+++++++++ sub/`,
    `.d..t...... keep/`,
    `${y}f+++++++++ sub/b.txt`,
    `*deleting   olddir/x.txt`,
    `*deleting   olddir/`,
    `*deleting   stale.txt`,
  ].sort();
}

const lines = (text: string) => text.trimEnd().split("\n").filter((l) => l !== "" && !/^mirror( \(dry run\))?: /.test(l)).sort();

let entries: [Route, [string, string]][];

test("every route, -n: rsync's change strings", async () => {
  const routes = routeEnds(daemons, dir.path, "r");
  entries = Object.entries(routes) as [Route, [string, string]][];
  for (const route of Object.keys(routes)) {
    writeTree(join(dir.path, "r", route, "src"), {
      "a.txt": "a",
      "changed.txt": { content: "new and longer", mtime: 1_700_000_200 },
      "kept.txt": { content: "same", mode: 0o600, mtime: 1_700_000_000 },
      "sub/b.txt": "b",
      keep: { dir: true, mtime: 1_700_000_500 },
      link: { symlink: "a.txt" },
    });
    writeTree(join(dir.path, "r", route, "dst"), {
      "changed.txt": { content: "old", mtime: 1_700_000_100 },
      "kept.txt": { content: "same", mode: 0o644, mtime: 1_700_000_000 },
      "stale.txt": "gone",
      keep: { dir: true, mtime: 1_700_000_400 },
      "olddir/x.txt": "x",
    });
  }
  const dry = await Promise.all(entries.map(([, [s, d]]) => runCli(["mirror", "-y", "-n", "-i", s, d])));
  for (const [k, [route]] of entries.entries()) {
    expectExit(dry[k]!, 0);
    expect({ route, dry: lines(dry[k]!.stdout) }).toEqual({ route, dry: expected(route) });
  }
});

test("every route: the same strings on stdout and in --log-file", async () => {
  const logs = entries.map(([route]) => join(dir.path, `${route}.log`));
  const real = await Promise.all(entries.map(([, [s, d]], k) => runCli(["mirror", "-y", "--itemize-changes", "--log-file", logs[k]!, s, d])));
  for (const [k, [route]] of entries.entries()) {
    expectExit(real[k]!, 0);
    expect({ route, real: lines(real[k]!.stdout) }).toEqual({ route, real: expected(route) });
    const logged = readFileSync(logs[k]!, "utf8").trimEnd().split("\n").map((l) => l.replace(/^\S+ \S+ \[\d+\] /, ""));
    expect({ route, logged: logged.slice(1, -1).filter((l) => !l.startsWith("warning: ")).sort() }).toEqual({ route, logged: expected(route) });
  }
});

test("every route: a changed file's string is the itemize field of its --json item record", async () => {
  for (const [route] of entries) writeTree(join(dir.path, "r", route, "src"), { "a.txt": { content: "aa", mtime: 1_700_000_300 } });
  const json = await Promise.all(entries.map(([, [s, d]]) => runCli(["copy", "-i", "--json", s, d])));
  for (const [k, [route]] of entries.entries()) {
    expectExit(json[k]!, 0);
    const items = stderrLines(json[k]!).map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.type === "item");
    expect({ route, items }).toEqual({ route, items: [{ type: "item", action: "copy", path: "a.txt", itemize: `${SENDS[route] ? "<" : ">"}f.st......` }] });
  }
});

test("-i with -q is refused (exit 2), as -v is", async () => {
  const r = await runCli(["copy", "-q", "-i", join(dir.path, "nothing/"), join(dir.path, "never")]);
  expectExit(r, 2);
  expect(r.stderr).toContain("--quiet and --itemize-changes cannot be used together");
});
