import { expect, test } from "bun:test";
import { parsePerfLines, recordOfFailure, recordOfSummary, sizeClass, summarizePerf } from "../../../src/domain/perf-record.ts";
import type { TransferSummary } from "../../../src/domain/summary.ts";

const facts = { at: "2026-01-01T00:00:00.000Z", srcFs: "ext4", dstFs: "tmpfs", workers: 2, bufferBytes: 1 << 20, streams: 2 };
const summary = (files: number, bytes: number, ms: number): TransferSummary =>
  ({ operation: "copy", route: "local", transport: "local", outcome: "success", files_transferred: files, bytes_transferred: bytes, files_examined: files, duration_ms: ms, bytes_per_sec: bytes / (ms / 1000), zero_copy_bytes: bytes, files_failed: 0 }) as TransferSummary;

test("a record carries the workload signature, route, filesystems, durations and the predictor's choice", () => {
  const r = recordOfSummary(summary(10, 10 * 4096, 20), facts);
  expect(r).toMatchObject({ v: 1, route: "local", src_fs: "ext4", dst_fs: "tmpfs", files: 10, size_class: "small", size_histogram: [10, 0, 0], duration_ms: 20, workers: 2, outcome: "success" });
  expect(recordOfFailure("mirror", "push", "STALLED", 10_000, facts)).toMatchObject({ outcome: "failed", error: "STALLED", stalled: true, route: "push" });
  expect([sizeClass(0, 0), sizeClass(1, 1 << 20), sizeClass(1, 1 << 30)]).toEqual(["none", "mixed", "large"]);
});

test("torn and foreign lines are skipped", () => {
  const good = JSON.stringify(recordOfSummary(summary(1, 1, 1), facts));
  expect(parsePerfLines(`${good}\nnot json\n{"v":2}\n${good.slice(0, 30)}`)).toHaveLength(1);
});

test("runs are summarised per route, workload and destination filesystem with medians", () => {
  const rs = [summary(10, 100, 10), summary(10, 100, 30), summary(10, 100, 20)].map((s) => recordOfSummary(s, facts));
  expect(summarizePerf(rs)).toEqual([
    { route: "local", size_class: "small", dst_fs: "tmpfs", runs: 3, failed: 0, files: 30, bytes: 300, median_bytes_per_sec: 5000, median_duration_ms: 20 },
  ]);
});
