// SPEC §3 "the same semantics serve every route": each compare mode (quick, -c, --size-only,
// --ignore-times, --ignore-existing) and each filter (--exclude/--include, --files-from,
// --min-size/--max-size, mirror inside the filter scope) gives, on push, pull, relayed
// remote→remote and delegated remote→remote, the same counters and the same destination tree
// (content, modes, ns mtimes) as the local run of the same trees.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli, summaryCounts } from "../harness/run-cli.ts";
import { makeTempDir, setMtimeNs, writeTree, type TempDir, type TreeSpec } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

const T = 1_600_000_000_123_456_789n;
const LATER = T + 7_000_000_000n;
const f = (content: string, mtime = T, mode = 0o644) => ({ content, mtime, mode });

interface Scenario {
  readonly name: string;
  readonly verb: "copy" | "mirror";
  readonly flags: readonly string[];
  readonly src: TreeSpec;
  readonly dst: TreeSpec;
  /** What the local run reports (so each scenario is known to exercise its flag). */
  readonly local: { files_transferred: number; files_skipped: number; entries_deleted: number };
  /** The local destination after the run. */
  readonly tree: readonly string[];
  /** Destination directories that lost an entry and were not in the source: their mtime is the run's. */
  readonly touched?: readonly string[];
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: "quick check",
    verb: "copy",
    flags: [],
    src: { "same.txt": f("same"), "touched.txt": f("new!", LATER), "grown.txt": f("longer"), "fresh.txt": f("fresh") },
    dst: { "same.txt": f("same"), "touched.txt": f("old!"), "grown.txt": f("short") },
    local: { files_transferred: 3, files_skipped: 1, entries_deleted: 0 },
    tree: ["fresh.txt", "grown.txt", "same.txt", "touched.txt"],
  },
  {
    name: "--checksum",
    verb: "copy",
    flags: ["-c"],
    src: { "hidden.txt": f("AAAA"), "equal.txt": f("equal", LATER, 0o600), "grown.txt": f("longer") },
    dst: { "hidden.txt": f("BBBB"), "equal.txt": f("equal"), "grown.txt": f("short") },
    local: { files_transferred: 2, files_skipped: 1, entries_deleted: 0 },
    tree: ["equal.txt", "grown.txt", "hidden.txt"],
  },
  {
    name: "--size-only",
    verb: "copy",
    flags: ["--size-only"],
    src: { "same-size.txt": f("AAAA", LATER), "grown.txt": f("longer") },
    dst: { "same-size.txt": f("BBBB"), "grown.txt": f("short") },
    local: { files_transferred: 1, files_skipped: 1, entries_deleted: 0 },
    tree: ["grown.txt", "same-size.txt"],
  },
  {
    name: "--ignore-times",
    verb: "copy",
    flags: ["--ignore-times"],
    src: { "same.txt": f("same"), "sub/same2.txt": f("same2") },
    dst: { "same.txt": f("same"), "sub/same2.txt": f("same2") },
    local: { files_transferred: 2, files_skipped: 0, entries_deleted: 0 },
    tree: ["same.txt", "sub/", "sub/same2.txt"],
  },
  {
    name: "--ignore-existing",
    verb: "copy",
    flags: ["--ignore-existing"],
    src: { "exists.txt": f("source version", LATER), "new.txt": f("new") },
    dst: { "exists.txt": f("kept") },
    local: { files_transferred: 1, files_skipped: 1, entries_deleted: 0 },
    tree: ["exists.txt", "new.txt"],
  },
  {
    name: "--include/--exclude (first match wins, excluded directory pruned) with --min-size/--max-size",
    verb: "copy",
    flags: ["--include", "keep.tmp", "--exclude", "*.tmp", "--exclude", "cache/", "--include", "docs/**", "--exclude", "/top.txt", "--min-size", "2", "--max-size", "4"],
    src: {
      "ab.txt": f("ab"), "keep.tmp": f("kk"), "drop.tmp": f("dd"), "cache/blob": f("bb"), "sub/cache/x": f("xx"), "docs/d.tmp": f("dd"),
      "top.txt": f("tt"), "sub/top.txt": f("ss"), "one.txt": f("1"), "five.txt": f("55555"), "d/three.txt": f("333"),
    },
    dst: {},
    local: { files_transferred: 4, files_skipped: 0, entries_deleted: 0 },
    tree: ["ab.txt", "d/", "d/three.txt", "docs/", "keep.tmp", "sub/", "sub/top.txt"],
  },
  {
    name: "mirror with --exclude deletes only inside the filter scope",
    verb: "mirror",
    flags: ["-y", "--exclude", "*.tmp", "--exclude", "cache/"],
    src: { "keep.txt": f("k"), "skip.tmp": f("not copied") },
    dst: { "extra.txt": f("in scope"), "local.tmp": f("excluded"), "cache/blob": f("excluded dir"), "sub/old.tmp": f("excluded"), "sub/old.txt": f("in scope") },
    local: { files_transferred: 1, files_skipped: 0, entries_deleted: 2 },
    tree: ["cache/", "cache/blob", "keep.txt", "local.tmp", "sub/", "sub/old.tmp"],
    touched: ["sub"],
  },
  {
    name: "mirror with --files-from leaves unlisted destination entries",
    verb: "mirror",
    flags: ["-y", "--files-from", "LIST"],
    src: { "a.txt": f("a"), "b.txt": f("b"), "d/c.txt": f("c") },
    dst: { "a.txt": f("stale"), "b.txt": f("untouched"), "z.txt": f("unlisted"), "d/old.txt": f("in scope") },
    local: { files_transferred: 2, files_skipped: 0, entries_deleted: 0 },
    tree: ["a.txt", "b.txt", "d/", "d/c.txt", "d/old.txt", "z.txt"],
  },
];

const ROUTES = ["local", "push", "pull", "relay", "delegated"] as const;
type Route = (typeof ROUTES)[number];

let dir: TempDir;
let daemons: RouteDaemons;
let plain: RunningDaemon;
let delegating: RunningDaemon;

beforeAll(async () => {
  dir = makeTempDir("remote-flags");
  daemons = await startRouteDaemons(dir.path);
  ({ plain, delegating } = daemons);
}, 30_000);
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

for (const [i, sc] of SCENARIOS.entries()) {
  test(`${sc.name}: every route matches the local run`, async () => {
    const base = `s${i}`;
    const list = join(dir.path, `${base}-list.txt`);
    writeTree(dir.path, { [`${base}-list.txt`]: "a.txt\n./d/c.txt\n" });
    const flags = sc.flags.map((x) => (x === "LIST" ? list : x));
    for (const route of ROUTES) seed(join(dir.path, base, route), sc);
    const runs = await Promise.all(ROUTES.map((route) => runCli([sc.verb, ...flags, "--json", ...ends(base, route)])));
    const [local, ...remote] = runs;
    expectExit(local!, 0);
    expect(summaryCounts(local!)).toMatchObject({ ...sc.local, files_failed: 0, outcome: "success" });
    expect(listTree(join(dir.path, base, "local/dst"))).toEqual([...sc.tree]);
    for (const [k, r] of remote.entries()) {
      expectExit(r, 0);
      const route = ROUTES[k + 1]!;
      expect({ route, ...summaryCounts(r) }).toEqual({ route, ...summaryCounts(local!) });
      expect(r.json?.route).toBe(route === "relay" ? "remote" : route);
      expect({ route, tree: listTree(join(dir.path, base, route, "dst")) }).toEqual({ route, tree: [...sc.tree] });
      const ignore = (p: string) => sc.touched?.includes(p) === true;
      expectTreesEqual(join(dir.path, base, "local/dst"), join(dir.path, base, route, "dst"), { metadata: true, ignore });
      expectTreesEqual(join(dir.path, base, "local/src"), join(dir.path, base, route, "src"), { metadata: true });
    }
  }, 60_000);
}

// --- internal ---

/** The source and destination of `route` for scenario directory `base`. */
function ends(base: string, route: Route): [string, string] {
  const local = (side: string) => join(dir.path, base, route, side);
  const at = (d: RunningDaemon, side: string) => `${d.control}:/t/${base}/${route}/${side}/`;
  switch (route) {
    case "local":
      return [`${local("src")}/`, local("dst")];
    case "push":
      return [`${local("src")}/`, at(plain, "dst")];
    case "pull":
      return [at(plain, "src"), local("dst")];
    case "relay":
      return [at(plain, "src"), at(plain, "dst")];
    case "delegated":
      return [at(plain, "src"), at(delegating, "dst")];
  }
}

/** Writes the scenario's trees below `root`, every directory (roots included) at mtime T. */
function seed(root: string, sc: Scenario): void {
  writeTree(join(root, "src"), sc.src);
  writeTree(join(root, "dst"), sc.dst);
  for (const side of ["src", "dst"]) pinDirTimes(join(root, side));
}

function pinDirTimes(d: string): void {
  for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) pinDirTimes(join(d, e.name));
  setMtimeNs(d, T);
}
