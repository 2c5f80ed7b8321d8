// SPEC §3/§6: copy, mirror and move through a daemon — push, pull and remote→remote — land the
// same trees as locally (fidelity: modes, mtimes, symlinks, empty dirs, non-UTF-8 names, a
// zero-length and a 5 MiB+1 file), and the --json summary names the route and transport.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, rawPath, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let daemon: RunningDaemon;
let a: string;
let b: string;

beforeAll(async () => {
  dir = makeTempDir("remote-verbs");
  for (const d of ["src", "m1", "m2"]) mkdirSync(join(dir.path, d));
  writeTree(join(dir.path, "src"), {
    "a.txt": { content: "alpha", mode: 0o640, mtime: 1_600_000_000_123_456_789n },
    "empty.bin": "",
    "big.bin": randomBytes(5 * 1024 * 1024 + 1),
    "sub/deeper/c.txt": "c",
    "emptydir": { dir: true, mode: 0o700 },
    "link": { symlink: "a.txt" },
  });
  writeFileSync(rawPath(join(dir.path, "src"), Buffer.from([0x66, 0xff, 0x2e, 0x74])), "not utf-8");
  daemon = await startDaemon({ modules: { m1: { path: join(dir.path, "m1") }, m2: { path: join(dir.path, "m2") } } });
  a = `${daemon.control}:/m1/`;
  b = `${daemon.control}:/m2/`;
}, 30_000);
afterAll(async () => {
  await daemon.stop();
  dir[Symbol.dispose]();
});

const src = () => join(dir.path, "src");

test("push, no-op re-run, pull and remote→remote copies are byte-exact with metadata", async () => {
  const push = await runCli(["copy", `${src()}/`, a, "--json"]);
  expectExit(push, 0);
  expect(push.json).toMatchObject({ route: "push", transport: "tcp", files_transferred: 6, fallback_reason: null, outcome: "success" });
  expectTreesEqual(src(), join(dir.path, "m1"));
  const again = await runCli(["copy", `${src()}/`, a, "--json"]);
  expect(again.json).toMatchObject({ files_transferred: 0, files_skipped: 6 });
  const pulled = join(dir.path, "pulled");
  const pull = await runCli(["copy", a, pulled, "--json"]);
  expectExit(pull, 0);
  expect(pull.json).toMatchObject({ route: "pull", transport: "tcp", files_transferred: 6 });
  expectTreesEqual(src(), pulled);
  const relay = await runCli(["copy", a, b, "--json"]);
  expectExit(relay, 0);
  expect(relay.json).toMatchObject({ route: "remote", files_transferred: 6 });
  expectTreesEqual(src(), join(dir.path, "m2"));
}, 60_000);

test("mirror through the daemon deletes extraneous entries; dry run and --max-delete change nothing", async () => {
  const dst = `${daemon.control}:/m1/mirror/`;
  expectExit(await runCli(["copy", `${src()}/`, dst]), 0);
  writeFileSync(join(dir.path, "m1/mirror/extra.txt"), "x");
  const dry = await runCli(["mirror", `${src()}/`, dst, "-n", "--json"]);
  expect(dry.json).toMatchObject({ entries_deleted: 1, dry_run: true });
  expect(existsSync(join(dir.path, "m1/mirror/extra.txt"))).toBe(true);
  const capped = await runCli(["mirror", `${src()}/`, dst, "-y", "--max-delete", "0", "--json"]);
  expectExit(capped, 8);
  const real = await runCli(["mirror", `${src()}/`, dst, "-y", "--json"]);
  expectExit(real, 0);
  expect(real.json).toMatchObject({ entries_deleted: 1 });
  expectTreesEqual(src(), join(dir.path, "m1/mirror"));
}, 60_000);

test("move pushes then removes the local source; move pulls then removes the daemon's", async () => {
  const local = join(dir.path, "to-move");
  writeTree(local, { "x.txt": "x", "d/y.txt": "y" });
  expectExit(await runCli(["move", local, b, "-y"]), 0);
  expect(existsSync(local)).toBe(false);
  expect(existsSync(join(dir.path, "m2/to-move/d/y.txt"))).toBe(true);
  const back = join(dir.path, "back");
  expectExit(await runCli(["move", `${daemon.control}:/m2/to-move`, back, "-y"]), 0);
  expect(existsSync(join(dir.path, "m2/to-move"))).toBe(false);
  expect(existsSync(join(back, "d/y.txt"))).toBe(true);
}, 60_000);

test("forced gRPC data carries the bytes and says so in the summary", async () => {
  rmSync(join(dir.path, "m2/forced"), { recursive: true, force: true });
  const r = await runCli(["copy", `${src()}/`, `${daemon.control}:/m2/forced/`, "--json"], { env: { BLIT_FORCE_GRPC_DATA: "1" } });
  expectExit(r, 0);
  expect(r.json).toMatchObject({ transport: "grpc", files_transferred: 6 });
  expect(String(r.json?.fallback_reason)).toContain("forced");
  expectTreesEqual(src(), join(dir.path, "m2/forced"));
}, 60_000);
