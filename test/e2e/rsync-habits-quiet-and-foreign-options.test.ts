// Issue 15 part 3: `-q`/`--quiet` prints nothing but warnings and errors (local and to a daemon;
// --json still prints its object; with -v or -p it is a usage error), and an unknown option that
// is an rsync or rclone spelling is answered with the blit way (exit 2, nothing changed).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli, stderrLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

let dir: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  dir = makeTempDir("quiet");
  writeTree(dir.path, { "src/a.txt": "a", "src/sub/b.txt": "bb", "pushed/.keep": "" });
  daemon = await startDaemon({ modules: { m: { path: join(dir.path, "pushed") } } });
}, 30_000);
afterAll(async () => {
  await daemon[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

test("-q: a local copy and a push print nothing and land the files", async () => {
  const src = `${join(dir.path, "src")}/`;
  const local = await runCli(["copy", "-q", src, join(dir.path, "local")]);
  const push = await runCli(["copy", "--quiet", src, `${daemon.control}:/m/q/`]);
  for (const r of [local, push]) {
    expectExit(r, 0);
    expect({ stdout: r.stdout, stderr: r.stderr }).toEqual({ stdout: "", stderr: "" });
  }
  expectTreesEqual(join(dir.path, "src"), join(dir.path, "local"));
  expectTreesEqual(join(dir.path, "src"), join(dir.path, "pushed", "q"));
});

test("-q keeps warnings; with --json the summary object is still printed", async () => {
  const src = join(dir.path, "fifo-src");
  writeTree(src, { "f.txt": "f" });
  expect(Bun.spawnSync(["mkfifo", join(src, "pipe")]).exitCode).toBe(0);
  const quiet = await runCli(["copy", "-q", `${src}/`, join(dir.path, "fifo-dst")]);
  expectExit(quiet, 0);
  expect(quiet.stdout).toBe("");
  expect(stderrLines(quiet)).toEqual([expect.stringMatching(/^blit: warning: .*pipe/)]);
  const json = await runCli(["copy", "-q", "--json", `${join(dir.path, "src")}/`, `${daemon.control}:/m/qj/`]);
  expectExit(json, 0);
  expect(json.json).toMatchObject({ operation: "copy", route: "push", files_transferred: 2, outcome: "success" });
});

test("-q with -v or -p is a usage error", async () => {
  for (const loud of ["-v", "-p"]) {
    const r = await runCli(["copy", "-q", loud, `${join(dir.path, "src")}/`, join(dir.path, "never")]);
    expectExit(r, 2);
    expect(r.stderr).toContain("cannot be used together");
  }
  expect(existsSync(join(dir.path, "never"))).toBe(false);
});

test.each([
  [["-a"], "unknown option '-a': already the default"],
  [["-avz"], "unknown option '-a' in '-avz': already the default"],
  [["-vz"], "unknown option '-z' in '-vz': blit sends file data uncompressed"],
  [["--archive"], "unknown option '--archive': already the default"],
  [["--delete"], "unknown option '--delete': blit mirror deletes what the source lacks"],
  [["--partial"], "unknown option '--partial': --resume continues a partial destination file"],
  [["-P"], "unknown option '-P': -p (--progress) shows a live progress line"],
  [["--transfers=8"], "unknown option '--transfers': blit picks its parallelism itself; --max-threads N caps it"],
  [["-e", "ssh"], "unknown option '-e': blit talks to blit-daemon, not a remote shell"],
  [["--backup"], "unknown option '--backup': --backup-dir DIR moves replaced and deleted destination files into DIR"],
  [["-b"], "unknown option '-b': --backup-dir DIR moves replaced and deleted destination files into DIR"],
  [["--no-such-thing"], "unknown option '--no-such-thing' (see 'blit copy --help')"],
])("blit copy %p: exit 2 with the blit way", async (flags, message) => {
  const r = await runCli(["copy", ...flags, `${join(dir.path, "src")}/`, join(dir.path, "never")]);
  expectExit(r, 2);
  expect(r.stderr).toContain(message);
  expect(existsSync(join(dir.path, "never"))).toBe(false);
});
