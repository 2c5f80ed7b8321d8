// Issue 15 part 3: `--bwlimit RATE` caps the bytes a run moves per second on every route (local
// copies pay for each file's bytes before writing it; push, pull and relay pace every data
// connection of this process; a delegated run's destination daemon paces its own). No clock
// bound in the test: each run's own summary says how many bytes it moved and how long it took,
// and that average must stay within the limit (plus the bucket's 50 ms burst and slack). Over
// loopback without the limit the same run goes tens of times faster.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { startRouteDaemons, type RouteDaemons } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { routeEnds } from "../harness/route-ends.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let daemons: RouteDaemons;

beforeAll(async () => {
  dir = makeTempDir("bwlimit");
  daemons = await startRouteDaemons(dir.path);
}, 30_000);
afterAll(async () => {
  await daemons[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

const LIMIT = 1024 * 1024;
const BIG = 1024 * 1024;

test.each(["local", "push", "pull", "relay", "delegated"] as const)("%s: the run's average rate stays within --bwlimit 1M", async (route) => {
  const [s, d] = routeEnds(daemons, dir.path, "r")[route];
  writeTree(join(dir.path, "r", route, "src"), { big: randomBytes(BIG), "small/a": randomBytes(50_000), "small/b": randomBytes(70_000) });
  const r = await runCli(["copy", "--json", "--bwlimit", "1M", s, d]);
  expectExit(r, 0);
  const sum = r.json as { route: string; bytes_transferred: number; duration_ms: number; files_transferred: number };
  expect({ route: sum.route, files: sum.files_transferred, bytes: sum.bytes_transferred }).toEqual({ route: route === "relay" ? "remote" : route, files: 3, bytes: BIG + 120_000 });
  const rate = sum.bytes_transferred / (sum.duration_ms / 1000);
  expect({ withinLimit: rate <= LIMIT * 1.1, rate: Math.round(rate) }).toEqual({ withinLimit: true, rate: Math.round(rate) });
});

test("--bwlimit takes rsync's units (a bare number is KiB) and refuses nonsense (exit 2)", async () => {
  const src = join(dir.path, "u", "src");
  writeTree(src, { f: "f" });
  expectExit(await runCli(["copy", "--bwlimit", "0", `${src}/`, join(dir.path, "u", "zero")]), 0);
  for (const bad of ["fast", "-1", "100X", "0.1"]) {
    const r = await runCli(["copy", "--bwlimit", bad, `${src}/`, join(dir.path, "u", "never")]);
    expectExit(r, 2);
    expect(r.stderr).toContain("--bwlimit");
  }
});
