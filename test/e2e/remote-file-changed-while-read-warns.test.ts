// SPEC §3 "Verified transfers": a source file that changes while it is read is named in a warning
// and does not get the source's mtime, so the next run sends it again (and then it lands exact).
// The file is rewritten in place, a byte at a time, for as long as the first run lasts; push
// (the client reads it), pull (the daemon reads it) and relayed remote→remote, TCP and gRPC data.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { describe as describeRun, expectExit, runCli } from "../harness/run-cli.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";

const SIZE = 24 << 20;
let dir: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  dir = makeTempDir("changed-while-read");
  mkdirSync(join(dir.path, "m"));
  daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
});
afterAll(async () => {
  await daemon?.stop();
  dir?.[Symbol.dispose]();
});

/** Rewrites one byte of `path` (size unchanged) on every turn of a 1 ms timer until stopped. */
function keepRewriting(path: string): { stop(): void; writes(): number } {
  const fd = openSync(path, "r+");
  let n = 0;
  const timer = setInterval(() => {
    writeSync(fd, Uint8Array.of(n & 0xff), 0, 1, (n * 4099) % SIZE);
    n++;
  }, 1);
  return {
    stop: () => {
      clearInterval(timer);
      closeSync(fd);
    },
    writes: () => n,
  };
}

const cases = ["push", "pull", "relay"].flatMap((direction) => ["tcp", "grpc"].map((transport) => ({ direction, transport })));

describe("a source file rewritten during the run", () => {
  test.each(cases)("$direction over $transport data: warned about, no source mtime, sent again next run", async ({ direction, transport }) => {
    const name = `${direction}-${transport}`;
    const local = join(dir.path, name);
    rmSync(local, { recursive: true, force: true });
    mkdirSync(local);
    const remoteDir = join(dir.path, "m", name);
    mkdirSync(remoteDir);
    if (direction === "relay") mkdirSync(join(remoteDir, "src"));
    const [src, dst] = direction === "push" ? [local, remoteDir] : direction === "pull" ? [remoteDir, local] : [join(remoteDir, "src"), join(remoteDir, "dst")];
    writeFileSync(join(src, "f.bin"), randomBytes(SIZE));
    const remote = (sub: string) => `127.0.0.1:${daemon.port}:/m/${name}/${sub}`;
    const ends = direction === "push" ? [`${local}/`, remote("")] : direction === "pull" ? [remote(""), `${local}/`] : [remote("src/"), remote("dst/")];
    const args = ["copy", "--json", ...(transport === "grpc" ? ["--force-grpc-data"] : []), ...ends];
    const writer = keepRewriting(join(src, "f.bin"));
    let first;
    try {
      first = await runCli(args);
    } finally {
      writer.stop();
    }
    expectExit(first, 0);
    expect(writer.writes()).toBeGreaterThan(0);
    expect(first.stderr, describeRun(first)).toContain("f.bin changed while it was read");
    expect(statSync(join(dst, "f.bin"), { bigint: true }).mtimeNs).not.toBe(statSync(join(src, "f.bin"), { bigint: true }).mtimeNs);
    const second = await runCli(args);
    expectExit(second, 0);
    expect(second.json).toMatchObject({ files_transferred: 1, outcome: "success" });
    expect(second.stderr).not.toContain("changed while it was read");
    expect(Buffer.compare(readFileSync(join(dst, "f.bin")), readFileSync(join(src, "f.bin")))).toBe(0);
  }, 120_000);
});
