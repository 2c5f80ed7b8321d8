// SPEC §7: blit-utils ls, find (--pattern, --files/--dirs, --limit), du (--max-depth) and df read
// a module through the daemon; each prints one JSON document with --json.
import { beforeAll, afterAll, expect, test } from "bun:test";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let daemon: RunningDaemon;
let m: string;

beforeAll(async () => {
  dir = makeTempDir("admin");
  writeTree(dir.path, {
    "a.txt": "aaa",
    "docs/readme.md": "hello",
    "docs/notes.txt": "12345678",
    "docs/deep/x.md": "x",
    "empty": { dir: true },
    "link": { symlink: "docs" },
  });
  daemon = await startDaemon({ modules: { m: { path: dir.path } } });
  m = `${daemon.control}:/m/`;
}, 30_000);
afterAll(async () => {
  await daemon.stop();
  dir[Symbol.dispose]();
});

const names = (json: Record<string, unknown> | undefined, key: string, field: string): unknown[] =>
  ((json?.[key] as Record<string, unknown>[]) ?? []).map((e) => e[field]);

test("ls lists a directory's entries, symlinks as symlinks", async () => {
  const r = await runUtils(["ls", m, "--json"]);
  expectExit(r, 0);
  expect(names(r.json, "entries", "name")).toEqual(["a.txt", "docs", "empty", "link"]);
  expect(names(r.json, "entries", "kind")).toEqual(["file", "dir", "dir", "symlink"]);
});

test("ls of a file shows the file", async () => {
  const r = await runUtils(["ls", `${m}docs/notes.txt`, "--json"]);
  expectExit(r, 0);
  expect({ is_dir: r.json?.is_dir, sizes: names(r.json, "entries", "size") }).toEqual({ is_dir: false, sizes: [8] });
});

test.each<[string[], string[]]>([
  [[], ["a.txt", "docs", "docs/deep", "docs/deep/x.md", "docs/notes.txt", "docs/readme.md", "empty", "link"]],
  [["--pattern", "*.md"], ["docs/deep/x.md", "docs/readme.md"]],
  [["--dirs"], ["docs", "docs/deep", "empty"]],
  [["--files", "--pattern", "*.txt"], ["a.txt", "docs/notes.txt"]],
  [["--pattern", "docs/*.md"], ["docs/readme.md"]],
  [["--limit", "2"], ["a.txt", "docs"]],
])("find %j", async (flags, expected) => {
  const r = await runUtils(["find", m, ...flags, "--json"]);
  expectExit(r, 0);
  expect(names(r.json, "entries", "path")).toEqual(expected);
});

test("du totals per directory up to --max-depth, the total last", async () => {
  const r = await runUtils(["du", m, "--max-depth", "1", "--json"]);
  expectExit(r, 0);
  expect(r.json?.rows).toEqual([
    { path: "docs", bytes: 14, files: 3, dirs: 1, depth: 1 },
    { path: "empty", bytes: 0, files: 0, dirs: 0, depth: 1 },
    { path: "", bytes: 17, files: 5, dirs: 3, depth: 0 },
  ]);
});

test("df reports the filesystem's capacity", async () => {
  const r = await runUtils(["df", m, "--json"]);
  expectExit(r, 0);
  const s = r.json as Record<string, number>;
  expect(s.total_bytes).toBeGreaterThan(0);
  expect(s.available_bytes).toBeLessThanOrEqual(s.total_bytes ?? 0);
});
