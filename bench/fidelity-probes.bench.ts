/**
 * Per-entry cost of the fidelity probes a listing would add, next to the statx a listing already makes: on FILES
 * small files in tmpfs (or BLIT_BENCH_DIR), each measured over all files, best of ROUNDS.
 * - statx (lstatRaw) as today; readXattrs on files with no attribute and with one user attribute;
 * - dataExtents on a dense file (SEEK_DATA + SEEK_HOLE), and the st_blocks test that lets dense files skip it.
 * Prints one JSON line per probe: ns per entry.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lstatRaw, type RawStat } from "../src/adapters/local/libc.ffi.ts";
import { toCPath } from "../src/adapters/local/os-path.ts";
import { dataExtents, mayHaveHoles } from "../src/adapters/local/sparse-extents.ts";
import { readXattrs, writeXattrs } from "../src/adapters/local/xattrs.ts";

const FILES = 20_000;
const ROUNDS = 5;
const base = process.env.BLIT_BENCH_DIR ?? "/dev/shm";
const root = mkdtempSync(join(base, "blit-bench-fidelity-"));
try {
  const plain = Array.from({ length: FILES }, (_, i) => join(root, `p${i}`));
  const tagged = Array.from({ length: FILES }, (_, i) => join(root, `t${i}`));
  for (const p of [...plain, ...tagged]) writeFileSync(p, "x".repeat(100));
  const tag = new TextEncoder().encode("v");
  for (const p of tagged) {
    const fd = openSync(p, "r");
    writeXattrs(fd, [["user.tag", tag]], p);
    closeSync(fd);
  }
  const cPaths = plain.map(toCPath);
  const cTagged = tagged.map(toCPath);
  const st: RawStat = { mode: 0, size: 0, mtimeNs: 0n, uid: 0, gid: 0 };
  const fds = plain.slice(0, 2000).map((p) => openSync(p, "r"));
  report("statx", FILES, () => cPaths.forEach((p) => lstatRaw(p, st)));
  report("read_xattrs_none", FILES, () => plain.forEach((p, i) => readXattrs(cPaths[i] ?? p, p)));
  report("read_xattrs_one", FILES, () => tagged.forEach((p, i) => readXattrs(cTagged[i] ?? p, p)));
  report("data_extents_dense", fds.length, () => fds.forEach((fd) => [...dataExtents(fd, 100)]));
  report("may_have_holes", FILES, () => plain.forEach(() => mayHaveHoles(100, 8)));
  fds.forEach((fd) => closeSync(fd));
} finally {
  rmSync(root, { recursive: true, force: true });
}

function report(probe: string, entries: number, run: () => void): void {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = Bun.nanoseconds();
    run();
    best = Math.min(best, Bun.nanoseconds() - t0);
  }
  console.log(JSON.stringify({ bench: "fidelity-probes", probe, dir: base, entries, ns_per_entry: Math.round(best / entries), runtime: `bun ${Bun.version}`, os: process.platform }));
}
