// SPEC §3 "Fidelity" (issue 15): a remote→remote copy relayed through the client (the destination does not pull
// from the source itself: route "remote") keeps a sparse file's holes end to end, on the TCP data plane and with file
// data inside the gRPC stream (--force-grpc-data): the source daemon sends its data extents, the client passes the
// holes on as gaps (not as zeros), the destination leaves them holes; the bytes that reached the destination
// (bytes_transferred, its count of data written) are the data, not the size. The daemon runs TLS (the default).
import { expect, test } from "bun:test";
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { FIDELITY_TARGETS, tempDirOn } from "../harness/fidelity-fs.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";

const BASE = FIDELITY_TARGETS[0]?.[1] ?? "/tmp";
const MIB = 1 << 20;

/** A file of `size` bytes (holes) with `runs` of data written at their offsets. */
function writeSparse(path: string, size: number, runs: readonly (readonly [offset: number, length: number])[]): void {
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, size);
    for (const [offset, length] of runs) {
      const data = new Uint8Array(length).map((_, i) => ((i + offset) * 7 + 3) & 255);
      writeSync(fd, data, 0, data.length, offset);
    }
  } finally {
    closeSync(fd);
  }
}

/** st_blocks as bytes. */
const allocated = (path: string): number => statSync(path).blocks * 512;

const FILES = [
  // 50 MiB with one 4 KiB block of data at 10 MiB (holes before, after and to the end).
  ["one-block.img", 50 * MIB, [[10 * MIB, 4096]]],
  // Data at 0 and just before the end: holes in the middle only.
  ["ends.img", 20 * MIB, [[0, 64 * 1024], [20 * MIB - 8192, 8192]]],
  // Holes alone.
  ["all-holes.img", 8 * MIB, []],
] as const;

for (const [label, flags] of [["tcp", []], ["grpc", ["--force-grpc-data"]]] as const) {
  test(`a relayed remote→remote copy over ${label} data keeps sparse files' holes`, async () => {
    using dir = tempDirOn(BASE, `relay-sparse-${label}`);
    const m1 = join(dir.path, "m1");
    const m2 = join(dir.path, "m2");
    mkdirSync(m1);
    mkdirSync(m2);
    for (const [name, size, runs] of FILES) writeSparse(join(m1, name), size, runs);
    expect(allocated(join(m1, "one-block.img"))).toBeLessThan(MIB); // the source has its holes
    // No delegation: the client relays (pulls from m1, pushes to m2).
    await using daemon = await startDaemon({ modules: { m1: { path: m1 }, m2: { path: m2 } } });
    const r = await runCli(["copy", "--json", ...flags, `${daemon.control}:/m1/`, `${daemon.control}:/m2/`]);
    expectExit(r, 0);
    expect(r.json).toMatchObject({ route: "remote", transport: label, files_transferred: FILES.length, files_failed: 0 });
    for (const [name] of FILES) {
      const [from, to] = [join(m1, name), join(m2, name)];
      expect({ name, size: statSync(to).size }).toEqual({ name, size: statSync(from).size });
      expect({ name, allocated: allocated(to) <= allocated(from) + 256 * 1024 }).toEqual({ name, allocated: true });
      expect(Bun.hash(readFileSync(to))).toBe(Bun.hash(readFileSync(from)));
    }
    // The destination was sent the data (about 80 KiB), not the 78 MiB of sizes.
    expect(r.json?.bytes_transferred as number).toBeLessThan(MIB);
  });
}
