// SPEC §3 `--resume` "on every route": a partial destination file continues from its first
// differing block when pushed to, pulled from and relayed between daemons (block hashes compared
// across the network; only the rest of the file travels).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

const SIZE = 3 * 1024 * 1024 + 5;
const SHARED = 2 * 1024 * 1024 + 300;
let dir: TempDir;
let daemon: RunningDaemon;
/** A second daemon that may pull from the first one (delegated remote→remote). */
let puller: RunningDaemon;
let data: Uint8Array;

beforeAll(async () => {
  dir = makeTempDir("remote-resume");
  for (const d of ["m1", "m2"]) mkdirSync(join(dir.path, d));
  data = randomBytes(SIZE);
  writeTree(join(dir.path, "src"), { "big.bin": { content: data, mtime: 1_700_000_000_000_000_000n } });
  daemon = await startDaemon({ modules: { m1: { path: join(dir.path, "m1") }, m2: { path: join(dir.path, "m2") } } });
  mkdirSync(join(dir.path, "m3"));
  puller = await startDaemon({ modules: { m3: { path: join(dir.path, "m3") } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } });
}, 30_000);
afterAll(async () => {
  await Promise.all([daemon.stop(), puller.stop()]);
  dir[Symbol.dispose]();
});

/** A partial copy at `where`: the first SHARED bytes of the source, then other bytes. */
function partialAt(where: string): void {
  const partial = new Uint8Array(SHARED + 200_000);
  partial.set(data.subarray(0, SHARED));
  partial.set(randomBytes(200_000), SHARED);
  writeTree(where, { "big.bin": { content: partial, mtime: 1_690_000_000_000_000_000n } });
}

/** Runs `copy --resume` and checks the result is the source, sent from the 2 MiB block on. */
async function resumes(from: string, to: string, local: string, route: string): Promise<void> {
  const r = await runCli(["copy", "--resume", "--json", from, to]);
  expectExit(r, 0);
  expect(r.json?.route).toBe(route);
  expectTreesEqual(join(dir.path, "src"), local, { metadata: true, ignoreRoot: true });
  expect({ files: r.json?.files_transferred, bytes: r.json?.bytes_transferred }).toEqual({ files: 1, bytes: SIZE - 2 * 1024 * 1024 });
}

test("push, pull and remote→remote (relayed and delegated) resume a partial file from its first differing block", async () => {
  partialAt(join(dir.path, "m1/pushed"));
  await resumes(`${join(dir.path, "src")}/`, `${daemon.control}:/m1/pushed/`, join(dir.path, "m1/pushed"), "push");

  partialAt(join(dir.path, "pulled"));
  await resumes(`${daemon.control}:/m1/pushed/`, join(dir.path, "pulled"), join(dir.path, "pulled"), "pull");

  partialAt(join(dir.path, "m2/relayed"));
  await resumes(`${daemon.control}:/m1/pushed/`, `${daemon.control}:/m2/relayed/`, join(dir.path, "m2/relayed"), "remote");

  partialAt(join(dir.path, "m3/delegated"));
  await resumes(`${daemon.control}:/m1/pushed/`, `${puller.control}:/m3/delegated/`, join(dir.path, "m3/delegated"), "delegated");
}, 60_000);

test("a destination that shares nothing is rewritten whole, byte-exact", async () => {
  writeTree(join(dir.path, "m1/other"), { "big.bin": { content: randomBytes(SIZE), mtime: 1_690_000_000_000_000_000n } });
  const r = await runCli(["copy", "--resume", "--json", `${join(dir.path, "src")}/`, `${daemon.control}:/m1/other/`]);
  expectExit(r, 0);
  expect(r.json?.bytes_transferred).toBe(SIZE);
  expectTreesEqual(join(dir.path, "src"), join(dir.path, "m1/other"), { metadata: true, ignoreRoot: true });
}, 60_000);
