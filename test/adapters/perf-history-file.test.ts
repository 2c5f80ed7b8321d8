/**
 * PerfHistoryFile on real files: the cap drops the oldest records, concurrent writer processes
 * never tear or interleave a line, clear keeps profiles, and a missing or broken state is empty.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerfHistoryFile } from "../../src/adapters/telemetry-file/index.ts";
import { recordOfSummary } from "../../src/domain/perf-record.ts";
import { EMPTY_PREDICTOR } from "../../src/domain/predictor.ts";
import type { TransferSummary } from "../../src/domain/summary.ts";
import { removeAtRunEnd } from "../harness/run-dirs.ts";

const dir = () => {
  const base = mkdtempSync(join(tmpdir(), "blit-perf-"));
  removeAtRunEnd(base);
  return join(base, "blit");
};
const record = (files: number) =>
  recordOfSummary({ operation: "copy", route: "local", transport: "local", outcome: "success", files_transferred: files, bytes_transferred: files * 10, files_examined: files, duration_ms: 5, bytes_per_sec: 1, zero_copy_bytes: 0, files_failed: 0 } as TransferSummary, {
    at: "2026-01-01T00:00:00.000Z",
    srcFs: "ext4",
    dstFs: "ext4",
    workers: 2,
    bufferBytes: 1,
    streams: 1,
  });

test("the log is capped: past maxBytes the oldest records go, the newest stay, the file stays under the cap", async () => {
  const history = new PerfHistoryFile({ dir: dir(), maxBytes: 8 * 1024 });
  for (let i = 1; i <= 100; i++) await history.append(record(i));
  const kept = await history.recent(1000);
  expect(kept.length).toBeGreaterThan(5);
  expect(kept.length).toBeLessThan(100);
  expect(kept.map((r) => r.files)).toEqual(Array.from({ length: kept.length }, (_, i) => 101 - kept.length + i));
  expect(readFileSync(join(history.location, "perf_local.jsonl")).length).toBeLessThanOrEqual(8 * 1024);
  expect((await history.recent(3)).map((r) => r.files)).toEqual([98, 99, 100]);
  expect(history.predictorState().ema["local|ext4>ext4"]?.["2"]?.runs).toBe(100);
});

test("concurrent writer processes: every record lands whole, none is lost, the state counts them all", async () => {
  const where = dir();
  const writers = 6;
  const each = 40;
  const script = `
    import { PerfHistoryFile } from ${JSON.stringify(join(import.meta.dir, "../../src/adapters/telemetry-file/index.ts"))};
    const h = new PerfHistoryFile({ dir: ${JSON.stringify(where)} });
    for (let i = 0; i < ${each}; i++) await h.append({ ...${JSON.stringify(record(1))}, files: Number(process.argv[2]) * 1000 + i });
  `;
  const scratch = mkdtempSync(join(tmpdir(), "blit-writer-"));
  removeAtRunEnd(scratch);
  const file = join(scratch, "writer.ts");
  writeFileSync(file, script);
  const procs = Array.from({ length: writers }, (_, w) => Bun.spawn([process.execPath, file, String(w + 1)], { stderr: "inherit" }));
  expect(await Promise.all(procs.map((p) => p.exited))).toEqual(Array(writers).fill(0));
  const history = new PerfHistoryFile({ dir: where });
  const lines = readFileSync(join(where, "perf_local.jsonl"), "utf8").trimEnd().split("\n");
  expect(lines).toHaveLength(writers * each);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(new Set((await history.recent(10_000)).map((r) => r.files)).size).toBe(writers * each);
  expect(history.predictorState().ema["local|ext4>ext4"]?.["2"]?.runs).toBe(writers * each);
});

test("clear removes records and averages but keeps profiles; a broken state file reads as empty", async () => {
  const history = new PerfHistoryFile({ dir: dir() });
  await history.saveProfile({ fs: "tmpfs", path: "/dev/shm", seq_write_bps: 1, seq_read_bps: 1, small_creates_per_sec: 1, copy_offload: true, reflink: false, measured_at: "x" });
  await history.append(record(1));
  await history.append(record(2));
  expect(await history.clear()).toBe(2);
  expect(await history.recent(10)).toEqual([]);
  expect(history.predictorState()).toMatchObject({ ema: {}, profiles: { tmpfs: { path: "/dev/shm" } } });
  writeFileSync(join(history.location, "predictor.json"), "{torn");
  expect(history.predictorState()).toEqual(EMPTY_PREDICTOR);
});
