// Issue 15 part 3: `blit mirror --delete-excluded` (rsync's option): what the --exclude/--include
// rules leave out is deleted from the destination too — excluded files, excluded directories
// whole, and destination namesakes of excluded source entries — on every route (local, push,
// pull, relayed and delegated remote→remote), the dry run counting the same deletions; --max-size
// still protects what it keeps out; with copy or move it is a usage error.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons } from "../harness/daemon.ts";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { routeEnds } from "../harness/route-ends.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const SOURCE = { "keep.txt": "k", "new.tmp": "source tmp", "big.txt": "0123456789", "sub/a.txt": "a", "cache/c.txt": "c" };
const DEST = {
  "keep.txt": "k", "old.tmp": "dest tmp", "new.tmp": "older", "big.txt": "9876543210", "extra.txt": "x",
  "sub/a.txt": "a", "sub/b.tmp": "b", "cache/c.txt": "c", "cache/deep/d.txt": "d",
};
const RULES = ["--exclude", "*.tmp", "--exclude", "cache/"];

let dir: TempDir;
let daemons: RouteDaemons;

beforeAll(async () => {
  dir = makeTempDir("delete-excluded");
  daemons = await startRouteDaemons(dir.path);
}, 30_000);
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

test("excluded entries go too, on every route", async () => {
  const routes = routeEnds(daemons, dir.path, "all");
  const local = (route: string, side: string) => join(dir.path, "all", route, side);
  for (const route of Object.keys(routes)) {
    writeTree(local(route, "src"), SOURCE);
    writeTree(local(route, "dst"), DEST);
  }
  const dry = await Promise.all(Object.values(routes).map(([s, d]) => runCli(["mirror", "-n", "--delete-excluded", ...RULES, "--json", s, d])));
  const runs = await Promise.all(Object.values(routes).map(([s, d]) => runCli(["mirror", "-y", "--delete-excluded", ...RULES, "--json", s, d])));
  for (const [k, route] of Object.keys(routes).entries()) {
    expectExit(dry[k]!, 0);
    expectExit(runs[k]!, 0);
    // old.tmp, new.tmp, extra.txt, sub/b.tmp, cache/ and its 3 entries = 8 (rsync's count).
    expect({ route, dry: summaryCounts(dry[k]!).entries_deleted, run: summaryCounts(runs[k]!) }).toMatchObject({ route, dry: 8, run: { entries_deleted: 8, files_failed: 0, outcome: "success" } });
    expect({ route, tree: listTree(local(route, "dst")) }).toEqual({ route, tree: ["big.txt", "keep.txt", "sub/", "sub/a.txt"] });
  }
});

test("--max-size still keeps the destination's big.txt; without --delete-excluded the rules keep theirs", async () => {
  const sized = join(dir.path, "sized");
  const plain = join(dir.path, "plain");
  for (const d of [sized, plain]) {
    writeTree(join(d, "src"), SOURCE);
    writeTree(join(d, "dst"), DEST);
  }
  const a = await runCli(["mirror", "-y", "--delete-excluded", ...RULES, "--max-size", "5", `${join(sized, "src")}/`, join(sized, "dst")]);
  const b = await runCli(["mirror", "-y", ...RULES, `${join(plain, "src")}/`, join(plain, "dst")]);
  expectExit(a, 0);
  expectExit(b, 0);
  // The size bounds judge each destination entry by its own size: old.tmp (8 bytes) stays too.
  expect(listTree(join(sized, "dst"))).toEqual(["big.txt", "keep.txt", "old.tmp", "sub/", "sub/a.txt"]);
  expect(listTree(join(plain, "dst"))).toEqual(["big.txt", "cache/", "cache/c.txt", "cache/deep/", "cache/deep/d.txt", "keep.txt", "new.tmp", "old.tmp", "sub/", "sub/a.txt", "sub/b.tmp"]);
});

test.each(["copy", "move"])("blit %s --delete-excluded is a usage error", async (verb) => {
  const r = await runCli([verb, "-y", "--delete-excluded", `${join(dir.path, "plain", "src")}/`, join(dir.path, "never")]);
  expectExit(r, 2);
  expect(r.stderr).toContain("--delete-excluded goes with blit mirror");
});
