// SPEC §3 `--dry-run`/`-n`: a dry run prints every planned copy, update and deletion — the lines -v
// prints (NDJSON item records on stderr with --json) — on every route, and changes nothing. A
// directory to be deleted is listed with every entry inside it, and counted that way.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons } from "../harness/daemon.ts";
import { expectExit, runCli, stderrLines, stdoutLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

const OLD = 1_600_000_000_000_000_000n;
const NEW = 1_700_000_000_000_000_000n;
const EXPECTED = ["copy changed.txt", "copy new.txt", "delete extra.txt", "delete olddir", "delete olddir/x1", "delete olddir/x2", "delete olddir/deeper", "delete olddir/deeper/x3", "mkdir fresh", "copy fresh/f.txt"].sort();

let tmp: TempDir;
let daemons: RouteDaemons;

beforeAll(async () => {
  tmp = makeTempDir("dry-run-lists");
  writeTree(join(tmp.path, "src"), {
    "new.txt": "new",
    "same.txt": { content: "same", mtime: OLD },
    "changed.txt": { content: "changed", mtime: NEW },
    "fresh/f.txt": "f",
  });
  daemons = await startRouteDaemons(tmp.path);
});
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  tmp[Symbol.dispose]();
});

const ROUTES = ["local", "push", "pull", "remote", "delegated"] as const;

function ends(route: (typeof ROUTES)[number]): [string, string] {
  const local = (p: string) => `${join(tmp.path, p)}/`;
  const at = (d: { control: string }, p: string) => `${d.control}:/t/${p}/`;
  const dst = `dst-${route}`;
  const { plain, delegating } = daemons;
  if (route === "local") return [local("src"), local(dst)];
  if (route === "push") return [local("src"), at(plain, dst)];
  if (route === "pull") return [at(plain, "src"), local(dst)];
  if (route === "remote") return [at(delegating, "src"), at(plain, dst)];
  return [at(plain, "src"), at(delegating, dst)];
}

function destTree(route: string): void {
  const dst = join(tmp.path, `dst-${route}`);
  writeTree(dst, {
    "same.txt": { content: "same", mtime: OLD },
    "changed.txt": { content: "before", mtime: OLD },
    "extra.txt": "to be deleted",
    "olddir/x1": "1",
    "olddir/x2": "2",
    "olddir/deeper/x3": "3",
  });
}

test.each(ROUTES)("mirror -n on the %s route prints each planned change once and changes nothing", async (route) => {
  destTree(route);
  const before = snapshotTree(tmp.path);
  const r = await runCli(["mirror", "-n", ...ends(route)]);
  expectExit(r, 0);
  const lines = stdoutLines(r);
  expect(lines.slice(0, -1).sort()).toEqual(EXPECTED);
  expect(lines.at(-1)).toMatch(/^mirror \(dry run\): .* 6 to delete/);
  const json = await runCli(["mirror", "-n", "--json", ...ends(route)]);
  expectExit(json, 0);
  const items = stderrLines(json).map((l) => JSON.parse(l) as { type: string; action?: string; path?: string }).filter((x) => x.type === "item");
  expect(items.map((x) => `${x.action} ${x.path}`).sort()).toEqual(EXPECTED);
  expect(json.json).toMatchObject({ dry_run: true, outcome: "dry-run", entries_deleted: 6, files_transferred: 3, route });
  expectTreesEqual(before, snapshotTree(tmp.path), { metadata: true });
});

test.each(["local", "push", "pull"] as const)("move -n on the %s route names the sources it would remove and removes nothing", async (route) => {
  writeTree(join(tmp.path, `move-${route}`), { "x.txt": "x", "d/y.txt": "y" });
  const from = route === "pull" ? `${daemons.plain.control}:/t/move-${route}` : join(tmp.path, `move-${route}`);
  const to = route === "push" ? `${daemons.plain.control}:/t/moved-${route}/` : join(tmp.path, `moved-${route}`);
  const before = snapshotTree(tmp.path);
  const r = await runCli(["move", "-n", from, to]);
  expectExit(r, 0);
  const lines = stdoutLines(r);
  expect(lines.filter((l) => l.startsWith("remove ")).sort()).toEqual(["remove .", "remove d", "remove d/y.txt", "remove x.txt"]);
  expect(lines.at(-1)).toContain("4 to remove from the source");
  expectTreesEqual(before, snapshotTree(tmp.path), { metadata: true });
});
