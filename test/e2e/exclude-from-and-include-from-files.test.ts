// Issue 15 part 3: --exclude-from FILE and --include-from FILE read rsync's file format (one
// pattern a line; blank lines and `#`/`;` comments skipped; `+ `/`- ` prefixes; `!` clears the
// rules so far), take their place among the --include/--exclude rules in command-line order, and
// give the same tree on every route (local, push, pull, relayed and delegated remote→remote) and
// in `blit check`. A file that cannot be read is a usage error (exit 2) naming the flag.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons } from "../harness/daemon.ts";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { routeEnds } from "../harness/route-ends.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const SOURCE = {
  "a.txt": "a", "b.log": "b", "keep.log": "k", "c.tmp": "c", "cache/x.txt": "x", "sub/d.txt": "d", "sub/e.log": "e", "weird;name.txt": "w",
};

let dir: TempDir;
let daemons: RouteDaemons;

beforeAll(async () => {
  dir = makeTempDir("rule-files");
  writeTree(dir.path, {
    // CRLF line ends, comments, a blank line, a `+ ` line that beats the later exclude.
    "excludes.txt": "# build junk\r\n*.tmp\r\n\r\n; caches\r\ncache/\r\n+ keep.log\r\n*.log\r\n",
    // `!` drops the --exclude typed before it; `- ` makes an exclude in an include file.
    "includes.txt": "!\n- weird;name.txt\nsub/\n",
  });
  daemons = await startRouteDaemons(dir.path);
}, 30_000);
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

const EXPECTED = ["a.txt", "keep.log", "sub/", "sub/d.txt", "weird;name.txt"];

test("--exclude-from: the file's rules, in command-line order, on every route", async () => {
  const rules = ["--exclude-from", join(dir.path, "excludes.txt")];
  const trees = await runRoutes("ex", rules);
  for (const [route, tree] of Object.entries(trees)) expect({ route, tree }).toEqual({ route, tree: EXPECTED });
});

test("--include-from: `!` clears the rules typed before it, `- ` excludes; files read where they stand", async () => {
  // Before the include file: an --exclude that `!` clears. After it: the exclude file.
  const rules = ["--exclude", "a.txt", "--include-from", join(dir.path, "includes.txt"), "--exclude-from", join(dir.path, "excludes.txt")];
  const trees = await runRoutes("in", rules);
  const expected = ["a.txt", "keep.log", "sub/", "sub/d.txt"];
  for (const [route, tree] of Object.entries(trees)) expect({ route, tree }).toEqual({ route, tree: expected });
});

test("blit check honours --exclude-from; an unreadable rule file is exit 2 naming its flag", async () => {
  const src = join(dir.path, "chk", "src");
  // One mtime on both sides: a kept file's other mtime is a difference (one a transfer would set).
  const dated = (tree: Record<string, string>) => Object.fromEntries(Object.entries(tree).map(([path, content]) => [path, { content, mtime: 1_700_000_000 }]));
  writeTree(src, dated(SOURCE));
  writeTree(join(dir.path, "chk", "dst"), dated({ "a.txt": "a", "keep.log": "k", "sub/d.txt": "d", "weird;name.txt": "w" }));
  const ok = await runCli(["check", "--size-only", "--exclude-from", join(dir.path, "excludes.txt"), `${src}/`, join(dir.path, "chk", "dst")]);
  expectExit(ok, 0);
  const missing = await runCli(["copy", "--exclude-from", join(dir.path, "nope.txt"), `${src}/`, join(dir.path, "chk", "out")]);
  expectExit(missing, 2);
  expect(missing.stderr).toContain(`cannot read --exclude-from file '${join(dir.path, "nope.txt")}': no such file`);
});

// --- internal ---

/** Copies SOURCE with `rules` on every route; returns each route's destination tree. */
async function runRoutes(base: string, rules: readonly string[]): Promise<Record<string, string[]>> {
  const routes = routeEnds(daemons, dir.path, base);
  const local = (route: string, side: string) => join(dir.path, base, route, side);
  for (const route of Object.keys(routes)) writeTree(local(route, "src"), SOURCE);
  const runs = await Promise.all(Object.values(routes).map(([s, d]) => runCli(["copy", ...rules, "--json", s, d])));
  const out: Record<string, string[]> = {};
  for (const [k, route] of Object.keys(routes).entries()) {
    expectExit(runs[k]!, 0);
    expect(summaryCounts(runs[k]!)).toMatchObject({ files_failed: 0, outcome: "success" });
    out[route] = listTree(local(route, "dst"));
  }
  return out;
}
