// SPEC §3 exit 10 on push, pull and relay (remote to remote through the CLI), over TCP data and
// gRPC data: a full destination names a file that did not fit (as the local route does), leaves
// no temporary and exits 10.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { mountSmallFs, SMALL_FS } from "../harness/small-fs.ts";
import { listTree } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const TREE = { "big.bin": randomBytes(4 * 1024 * 1024), "small.txt": "fits" };

// Skipped only where a tmpfs cannot be mounted; the reason is SMALL_FS.reason.
describe.skipIf(!SMALL_FS.ok)(`full destination on a remote route (${SMALL_FS.reason})`, () => {
  test.each([
    ["push", []],
    ["push", ["--force-grpc-data"]],
    ["pull", []],
    ["pull", ["--force-grpc-data"]],
    ["relay", []],
  ])("%s %p: exit 10 naming the file that did not fit, no temporaries", async (route, flags) => {
    using tmp = makeTempDir("remote-no-space");
    await using small = mountSmallFs("remote-no-space", "1m");
    writeTree(join(tmp.path, "src"), TREE);
    const moduleDir = route === "pull" ? join(tmp.path, "src") : small.path;
    await using daemon = await startDaemon({ modules: { m: { path: moduleDir }, s: { path: join(tmp.path, "src") } } });
    const ends: Record<string, [string, string]> = {
      push: [join(tmp.path, "src/"), `${daemon.control}:/m/dst/`],
      pull: [`${daemon.control}:/m/`, join(small.path, "dst")],
      relay: [`${daemon.control}:/s/`, `${daemon.control}:/m/dst/`],
    };
    const [from, to] = ends[route]!;
    const r = await runCli(["copy", ...flags, from, to]);
    expectExit(r, 10);
    // Once big.bin fills the disk, small.txt (written beside it) may be the one refused: either is named.
    expect(r.stderr).toMatch(/cannot write (dst\/)?(big\.bin|small\.txt): no space left on device/);
    expect(r.stderr).not.toContain("errno");
    expect(listTree(small.path).filter((p) => p.includes(".blit-tmp-"))).toEqual([]);
  }, 60_000);
});
