// SPEC §3 "Confirmation" on every remote route: without a terminal and without --yes, a mirror
// with planned deletions and a move refuse (exit 11) and change nothing on either side — push,
// pull, relayed and delegated remote→remote alike; a 'y' piped on stdin is not a terminal; a
// mirror with nothing to delete needs no confirmation.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

let dir: TempDir;
let daemons: RouteDaemons;
let plain: RunningDaemon;
let delegating: RunningDaemon;

beforeAll(async () => {
  dir = makeTempDir("remote-confirm");
  writeTree(dir.path, {
    "src/a.txt": "a",
    "src/new.txt": "would be copied",
    "dst/a.txt": "stale",
    "dst/extra.txt": "would be deleted",
    "same/a.txt": "a",
  });
  daemons = await startRouteDaemons(dir.path);
  ({ plain, delegating } = daemons);
}, 30_000);
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

const local = (p: string) => join(dir.path, p);
const at = (d: RunningDaemon, p: string) => `${d.control}:/t/${p}`;

/** [route, source, destination] of a mirror src/ → dst/ (planned: one copy, one update, one deletion). */
const MIRRORS = (): [string, string, string][] => [
  ["push", `${local("src")}/`, at(plain, "dst/")],
  ["pull", at(plain, "src/"), local("dst")],
  ["relay", at(plain, "src/"), at(plain, "dst/")],
  ["delegated", at(plain, "src/"), at(delegating, "dst/")],
];

test("mirror with planned deletions, no terminal, no --yes: exit 11 on every route, nothing changed", async () => {
  const before = snapshotTree(dir.path);
  const runs = await Promise.all(MIRRORS().map(([, from, to]) => runCli(["mirror", from, to])));
  for (const r of runs) {
    expectExit(r, 11);
    expect(r.stderr).toContain("--yes");
  }
  const piped = await runCli(["mirror", `${local("src")}/`, at(plain, "dst/")], { stdin: "y\n" });
  expectExit(piped, 11);
  expectTreesEqual(before, dir.path, { metadata: true });
}, 60_000);

test("move without --yes: exit 11 on every route, source and destination unchanged", async () => {
  const before = snapshotTree(dir.path);
  const runs = await Promise.all([
    runCli(["move", `${local("src")}/`, at(plain, "moved/")]),
    runCli(["move", at(plain, "src/"), local("moved")]),
    runCli(["move", at(plain, "src/"), at(plain, "moved/")]),
    runCli(["move", at(plain, "src/"), at(delegating, "moved/")]),
  ]);
  for (const r of runs) {
    expectExit(r, 11);
    expect(r.stderr).toContain("--yes");
  }
  expectTreesEqual(before, dir.path, { metadata: true });
}, 60_000);

test("mirror with nothing to delete needs no confirmation on any route", async () => {
  const runs = await Promise.all([
    runCli(["mirror", "--json", `${local("same")}/`, at(plain, "m-push/")]),
    runCli(["mirror", "--json", at(plain, "same/"), local("m-pull")]),
    runCli(["mirror", "--json", at(plain, "same/"), at(plain, "m-relay/")]),
    runCli(["mirror", "--json", at(plain, "same/"), at(delegating, "m-delegated/")]),
  ]);
  for (const r of runs) {
    expectExit(r, 0);
    expect(r.json).toMatchObject({ files_transferred: 1, entries_deleted: 0, outcome: "success" });
  }
  for (const d of ["m-push", "m-pull", "m-relay", "m-delegated"]) expectTreesEqual(local("same"), local(d), { metadata: true });
}, 60_000);
