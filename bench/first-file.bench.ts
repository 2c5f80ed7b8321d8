/**
 * Streaming check (SPEC §4): on a tree of ENTRIES entries (default 1,000,000: 1,000 directories of
 * 1,000 empty files, on tmpfs), how long after blit starts does the first file land, and how much
 * memory does the whole copy take? The first `copy` item of `blit copy -v --json` marks the
 * landing; peak RSS comes from GNU time. Prints one table and one JSON line.
 *
 *   bun bench/first-file.bench.ts [--entries N] [--blit PATH]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { entries: { type: "string", default: "1000000" }, blit: { type: "string", default: resolve(import.meta.dir, "../dist/blit") } },
  strict: true,
});
const entries = Number(values.entries);
if (!Number.isInteger(entries) || entries < 1000) throw new Error(`--entries must be an integer ≥ 1000, got ${values.entries}`);
const perDir = 1000;
const dirs = Math.ceil(entries / perDir);

const work = mkdtempSync("/dev/shm/blit-first-file-");
try {
  const src = join(work, "src");
  const started = performance.now();
  for (let d = 0; d < dirs; d++) {
    const dir = join(src, `d${String(d).padStart(4, "0")}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < perDir && d * perDir + f < entries; f++) writeFileSync(join(dir, `f${f}`), "");
  }
  console.error(`bench: built ${entries} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const t0 = performance.now();
  const proc = Bun.spawn(["/usr/bin/time", "-f", "maxrss_kib=%M", values.blit, "copy", "-v", "--json", `${src}/`, join(work, "dst")], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" },
  });
  let firstMs: number | null = null;
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of proc.stderr) {
    const text = decoder.decode(chunk, { stream: true });
    if (firstMs === null && text.includes('"action":"copy"')) firstMs = performance.now() - t0;
    tail = (tail + text).slice(-4096);
  }
  const code = await proc.exited;
  const totalMs = performance.now() - t0;
  const rss = Number(/maxrss_kib=(\d+)/.exec(tail)?.[1] ?? Number.NaN);
  if (code !== 0) throw new Error(`blit exited ${code}: ${tail}`);
  console.log(`entries     first file landed  whole copy  peak RSS`);
  console.log(`${String(entries).padEnd(11)} ${((firstMs ?? Number.NaN) / 1000).toFixed(3).padStart(12)} s  ${(totalMs / 1000).toFixed(1).padStart(8)} s  ${(rss / 1024).toFixed(0)} MiB`);
  console.log(JSON.stringify({ bench: "first-file", entries, first_file_ms: firstMs, total_ms: totalMs, max_rss_kib: rss }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
