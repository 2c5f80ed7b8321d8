import { expect, test } from "bun:test";
import type { PerfRecord } from "../../../src/domain/perf-record.ts";
import { choose, chooseBufferBytes, chooseStreams, EMPTY_PREDICTOR, foldRun, withProfile, type FsProfile, type PredictorState } from "../../../src/domain/predictor.ts";

const MIB = 1024 * 1024;
const profile = (fs: string, writeMiBs: number, creates: number): FsProfile => ({
  fs,
  path: `/mnt/${fs}`,
  seq_write_bps: writeMiBs * MIB,
  seq_read_bps: writeMiBs * MIB,
  small_creates_per_sec: creates,
  copy_offload: true,
  reflink: false,
  measured_at: "2026-01-01T00:00:00Z",
});
const run = (workers: number, durationMs: number, over: Partial<PerfRecord> = {}): PerfRecord =>
  ({ v: 1, route: "local", src_fs: "ext4", dst_fs: "ext4", files: 1000, bytes: 0, duration_ms: durationMs, outcome: "success", workers, ...over }) as PerfRecord;
const ctx = { route: "local", srcFs: "ext4", dstFs: "ext4", cores: 4, cap: null };
const fold = (state: PredictorState, ...runs: PerfRecord[]) => runs.reduce(foldRun, state);

test("cold start: the filesystem prior decides (all cores; fewer on a slow disk; capped by --max-threads)", () => {
  expect(choose(EMPTY_PREDICTOR, ctx)).toMatchObject({ workers: 4, basis: "prior" });
  expect(choose(withProfile(EMPTY_PREDICTOR, profile("ext4", 100, 800)), ctx).workers).toBe(2);
  expect(choose(EMPTY_PREDICTOR, { ...ctx, cap: 3 }).workers).toBe(3);
});

test("choices differ by filesystem profile: buffers follow write speed, streams follow what the destination absorbs", () => {
  const tmpfs = profile("tmpfs", 2000, 50_000);
  const disk = profile("ext4", 120, 3000);
  expect(chooseBufferBytes("tmpfs", tmpfs)).toBe(8 * MIB);
  expect(chooseBufferBytes("ext4", disk)).toBe(256 * 1024);
  expect(chooseStreams({ dstFs: "tmpfs", profile: tmpfs, cores: 2 })).toBe(4);
  expect(chooseStreams({ dstFs: "ext4", profile: disk, cores: 2 })).toBe(2);
  expect(chooseStreams({ dstFs: "tmpfs", profile: tmpfs, cores: 2, files: 1, bytes: 1000 })).toBe(1);
  expect(chooseStreams({ dstFs: "tmpfs", profile: tmpfs, cores: 8, files: 100_000, bytes: 400 * MIB })).toBe(8);
});

test("history: the best-rated count seen twice wins; the best seen three times explores an untried neighbour once", () => {
  let state = fold(EMPTY_PREDICTOR, run(4, 1000), run(2, 500));
  expect(choose(state, ctx)).toMatchObject({ workers: 2, basis: "history" });
  state = fold(state, run(4, 1000), run(2, 500));
  expect(choose(state, ctx)).toMatchObject({ workers: 2, basis: "history" });
  state = fold(state, run(2, 500));
  expect(choose(state, ctx)).toMatchObject({ workers: 3, basis: "explore" });
  state = fold(state, run(3, 2000), run(1, 2000));
  expect(choose(state, ctx)).toMatchObject({ workers: 2, basis: "history" });
});

test("one lucky run does not move the choice, and the prior's count keeps a 10 % edge", () => {
  const twice = fold(EMPTY_PREDICTOR, run(4, 1000), run(4, 1000), run(3, 200));
  expect(choose(twice, ctx)).toMatchObject({ workers: 4, basis: "history" });
  const close = fold(EMPTY_PREDICTOR, run(4, 1000), run(4, 1000), run(3, 950), run(3, 950));
  expect(choose(close, ctx).workers).toBe(4);
  const clear = fold(EMPTY_PREDICTOR, run(4, 1000), run(4, 1000), run(3, 500), run(3, 500));
  expect(choose(clear, ctx).workers).toBe(3);
});

test("the EMA moves towards new runs; failed and empty runs teach nothing; keys are per route and filesystems", () => {
  const once = fold(EMPTY_PREDICTOR, run(2, 1000));
  expect(once.ema["local|ext4>ext4"]?.["2"]).toEqual({ rate: 1000, runs: 1 });
  const twice = fold(once, run(2, 500));
  expect(twice.ema["local|ext4>ext4"]?.["2"]?.rate).toBeCloseTo(1000 + 0.3 * (2000 - 1000));
  expect(fold(once, run(2, 10, { outcome: "failed" }), run(2, 10, { files: 0 }))).toEqual(once);
  const other = fold(EMPTY_PREDICTOR, run(1, 100, { dst_fs: "tmpfs" }));
  expect(choose(other, ctx)).toMatchObject({ workers: 4, basis: "prior" });
  expect(choose(other, { ...ctx, dstFs: "tmpfs" })).toMatchObject({ workers: 1, basis: "history" });
});
