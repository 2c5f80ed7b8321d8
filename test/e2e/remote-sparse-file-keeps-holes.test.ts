// SPEC §3 "Fidelity" (issue 15): a sparse file keeps its holes through a real daemon, pushed and pulled, on the TCP
// data plane (plain and TLS) and with file data inside the gRPC stream (--force-grpc-data on the daemon): only its
// data extents cross, the receiver leaves the gaps as holes and sets the size, and the bytes read back equal.
import { expect, test } from "bun:test";
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { FIDELITY_TARGETS, tempDirOn } from "../harness/fidelity-fs.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";

const BASE = FIDELITY_TARGETS[0]?.[1] ?? "/tmp";
const SIZE = 100 << 20;
const DATA = 1 << 20;

/** A 100 MiB file holding 1 MiB of data in two runs (one at 40 MiB, the last 512 KiB before its end). */
function writeSparse(path: string): void {
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, SIZE);
    const half = new Uint8Array(DATA / 2).map((_, i) => (i * 7 + 3) & 255);
    writeSync(fd, half, 0, half.length, 40 << 20);
    writeSync(fd, half.reverse(), 0, half.length, SIZE - DATA / 2 - 4096);
  } finally {
    closeSync(fd);
  }
}

/** st_blocks as bytes. */
const allocated = (path: string): number => statSync(path).blocks * 512;

const routes = [
  ["tcp", [] as string[], false],
  ["tls", [] as string[], true],
  ["grpc", ["--force-grpc-data"], false],
] as const;

for (const [label, daemonArgs, tls] of routes) {
  for (const direction of ["push", "pull"] as const) {
    test(`a ${direction} over ${label} data keeps a 100 MiB file with 1 MiB of data sparse`, async () => {
      using dir = tempDirOn(BASE, `sparse-${label}-${direction}`);
      const src = join(dir.path, "src");
      const mod = join(dir.path, "mod");
      mkdirSync(src);
      mkdirSync(mod);
      const origin = direction === "push" ? src : mod;
      writeSparse(join(origin, "disk.img"));
      const ends = join(origin, "all-holes.img");
      const fd = openSync(ends, "w");
      ftruncateSync(fd, 8 << 20);
      closeSync(fd);
      expect(allocated(join(origin, "disk.img"))).toBeLessThan(2 * DATA); // the source has its holes
      await using daemon = await startDaemon({ modules: { m: { path: mod } }, args: [...daemonArgs], plaintext: !tls });
      const remote = `${daemon.control}:/m/`;
      const r = await runCli(["copy", "--json", ...(tls ? [] : ["--no-tls"]), ...(direction === "push" ? [`${src}/`, remote] : [remote, `${src}/`])]);
      expectExit(r, 0);
      const landed = direction === "push" ? mod : src;
      for (const name of ["disk.img", "all-holes.img"]) {
        expect({ name, size: statSync(join(landed, name)).size }).toEqual({ name, size: statSync(join(origin, name)).size });
        expect(allocated(join(landed, name))).toBeLessThanOrEqual(allocated(join(origin, name)) + 256 * 1024);
        expect(Bun.hash(readFileSync(join(landed, name)))).toBe(Bun.hash(readFileSync(join(origin, name))));
      }
      // Only the data extents crossed: about 1 MiB of file bytes, not 108 MiB.
      expect(r.json?.bytes_transferred as number).toBeLessThan(4 * DATA);
    }, 120_000);
  }
}
