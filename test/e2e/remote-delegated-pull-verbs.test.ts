// SPEC §6 remote→remote with delegation allowed: the destination daemon pulls from the source
// daemon itself. copy, mirror and move land byte-exact with metadata; the --json summary says
// `route: "delegated"`; the destination daemon's log shows it dialled the source; no relay warning.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli, stderrLines, summaryCounts } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, rawPath, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let source: RunningDaemon;
let dest: RunningDaemon;

const RELAY = /passes through this machine/;

beforeAll(async () => {
  dir = makeTempDir("remote-delegated");
  for (const d of ["a", "b", "ro"]) mkdirSync(join(dir.path, d));
  writeTree(join(dir.path, "a/tree"), {
    "x.txt": { content: "x", mode: 0o640, mtime: 1_600_000_000_123_456_789n },
    "empty.bin": "",
    "big.bin": randomBytes(3 * 1024 * 1024 + 1),
    "sub/deeper/y.txt": "y",
    "emptydir": { dir: true, mode: 0o700 },
    "link": { symlink: "x.txt" },
  });
  writeFileSync(rawPath(join(dir.path, "a/tree"), Buffer.from([0x66, 0xff, 0x2e, 0x74])), "not utf-8");
  source = await startDaemon({ modules: { a: { path: join(dir.path, "a") } } });
  dest = await startDaemon({ modules: { b: { path: join(dir.path, "b") }, ro: { path: join(dir.path, "ro"), readOnly: true } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } });
}, 30_000);
afterAll(async () => {
  await Promise.all([source.stop(), dest.stop()]);
  dir[Symbol.dispose]();
});

const tree = () => join(dir.path, "a/tree");

test("copy is pulled by the destination daemon: byte-exact, route delegated, progress fed from its stream", async () => {
  const r = await runCli(["copy", `${source.control}:/a/tree/`, `${dest.control}:/b/copy/`, "--json", "--progress"]);
  expectExit(r, 0);
  expect(summaryCounts(r)).toEqual({ files_examined: 6, files_transferred: 6, files_skipped: 0, entries_deleted: 0, files_failed: 0, outcome: "success" });
  expect(r.json).toMatchObject({ route: "delegated", transport: "tcp", source: `${source.control}:/a/tree/`, destination: `${dest.control}:/b/copy/`, fallback_reason: null });
  expect(r.stderr).not.toMatch(RELAY);
  expect(stderrLines(r).some((l) => l.startsWith('{"type":"progress"'))).toBe(true);
  expect(dest.stderr()).toContain(`pulling from ${source.control}:/a/tree`);
  expectTreesEqual(tree(), join(dir.path, "b/copy"), { metadata: true });
  const again = await runCli(["copy", `${source.control}:/a/tree/`, `${dest.control}:/b/copy/`, "--json"]);
  expect(again.json).toMatchObject({ route: "delegated", files_transferred: 0, files_skipped: 6 });
}, 60_000);

test("mirror deletes extraneous entries on the destination; the dry run and --max-delete change nothing", async () => {
  const dst = `${dest.control}:/b/mirror/`;
  expectExit(await runCli(["copy", `${source.control}:/a/tree/`, dst]), 0);
  writeFileSync(join(dir.path, "b/mirror/extra.txt"), "x");
  const dry = await runCli(["mirror", `${source.control}:/a/tree/`, dst, "-n", "--json"]);
  expect(dry.json).toMatchObject({ route: "delegated", dry_run: true, entries_deleted: 1, outcome: "dry-run" });
  const capped = await runCli(["mirror", `${source.control}:/a/tree/`, dst, "-y", "--max-delete", "0", "--json"]);
  expectExit(capped, 8);
  expect(existsSync(join(dir.path, "b/mirror/extra.txt"))).toBe(true);
  const real = await runCli(["mirror", `${source.control}:/a/tree/`, dst, "-y", "-v"]);
  expectExit(real, 0);
  expect(real.stdout).toContain("delete extra.txt");
  expect(real.stderr).not.toMatch(RELAY);
  expectTreesEqual(tree(), join(dir.path, "b/mirror"), { metadata: true });
}, 60_000);

test("move removes the source on the source daemon only after the copy landed", async () => {
  writeTree(join(dir.path, "a/to-move"), { "m.txt": "m", "d/n.txt": "n" });
  const r = await runCli(["move", `${source.control}:/a/to-move`, `${dest.control}:/b/`, "-y", "--json"]);
  expectExit(r, 0);
  expect(r.json).toMatchObject({ route: "delegated", operation: "move", files_transferred: 2, outcome: "success" });
  expect(existsSync(join(dir.path, "a/to-move"))).toBe(false);
  expect(existsSync(join(dir.path, "b/to-move/d/n.txt"))).toBe(true);
}, 60_000);

test("a read-only, escaping or missing place is refused, naming no server-side path", async () => {
  const ro = await runCli(["copy", `${source.control}:/a/tree/`, `${dest.control}:/ro/`]);
  expectExit(ro, 4);
  expect(ro.stderr).toContain("read-only");
  const escape = await runCli(["copy", `${source.control}:/a/tree/`, `${dest.control}:/b/../../etc/`]);
  expectExit(escape, 4);
  const missing = await runCli(["copy", `${source.control}:/a/no-such/`, `${dest.control}:/b/x/`]);
  expectExit(missing, 3);
  expect(missing.stderr).not.toContain(dir.path);
}, 60_000);
