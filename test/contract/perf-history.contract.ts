/**
 * The PerfHistory contract (src/ports/perf-history.ts): what runs and the predictor rely on from
 * the local performance history. Every implementation runs it through
 * test/contract/perf-history.test.ts, each case on a fresh, empty history.
 */
import { describe, expect, test } from "bun:test";
import type { PerfRecord } from "../../src/domain/perf-record.ts";
import { EMPTY_PREDICTOR, foldRun, type FsProfile, type PredictorState } from "../../src/domain/predictor.ts";
import type { PerfHistory } from "../../src/ports/perf-history.ts";

/** A run record: `files` tells records apart; `outcome` "failed" for a run that failed. */
export function runRecord(files: number, overrides: Partial<PerfRecord> = {}): PerfRecord {
  return {
    v: 1,
    at: "2026-01-01T00:00:00.000Z",
    operation: "copy",
    route: "local",
    transport: "local",
    outcome: "success",
    error: null,
    src_fs: "ext4",
    dst_fs: "tmpfs",
    files,
    bytes: files * 1000,
    files_examined: files,
    size_class: "small",
    size_histogram: [files, 0, 0],
    duration_ms: 10 + files,
    bytes_per_sec: 1000,
    zero_copy_bytes: 0,
    failures: 0,
    stalled: false,
    workers: 1 + (files % 3),
    buffer_bytes: 1 << 20,
    streams: 1,
    ...overrides,
  };
}

const profile = (fs: string, seq: number): FsProfile => ({ fs, path: `/mnt/${fs}`, seq_write_bps: seq, seq_read_bps: seq * 2, small_creates_per_sec: 100, copy_offload: true, reflink: false, measured_at: "2026-01-01T00:00:00.000Z" });

/** The predictor state the records teach, folded by the domain's own rule. */
const taught = (records: readonly PerfRecord[], from: PredictorState = EMPTY_PREDICTOR) => records.reduce(foldRun, from);

export function describePerfHistoryContract(name: string, make: () => Promise<PerfHistory & AsyncDisposable>): void {
  describe(`${name} satisfies the PerfHistory contract`, () => {
    test("a new history is empty: no records, the empty predictor state, nothing to clear", async () => {
      await using h = await make();
      expect(h.location.length).toBeGreaterThan(0);
      expect(h.predictorState()).toEqual(EMPTY_PREDICTOR);
      expect(await h.recent(10)).toEqual([]);
      expect(await h.clear()).toBe(0);
    });

    test("recent gives the newest records, oldest first, exactly as appended", async () => {
      await using h = await make();
      const records = [1, 2, 3, 4, 5].map((n) => runRecord(n));
      for (const r of records) await h.append(r);
      expect(await h.recent(3)).toEqual(records.slice(2));
      expect(await h.recent(100)).toEqual(records);
      expect(await h.recent(0)).toEqual([]);
    });

    test("each append folds the run into the predictor state; a failed run is kept but teaches nothing", async () => {
      await using h = await make();
      const records = [runRecord(4), runRecord(7), runRecord(9, { outcome: "failed", error: "NO_SPACE" }), runRecord(12, { route: "push", dst_fs: "ext4" })];
      for (const r of records) await h.append(r);
      expect(h.predictorState()).toEqual(taught(records));
      expect(h.predictorState()).toEqual(taught(records.filter((r) => r.outcome !== "failed")));
      expect((await h.recent(10)).map((r) => r.outcome)).toEqual(["success", "success", "failed", "success"]);
    });

    test("saveProfile records a filesystem's profile; a newer one for the same filesystem replaces it", async () => {
      await using h = await make();
      await h.saveProfile(profile("tmpfs", 1));
      await h.saveProfile(profile("ext4", 2));
      await h.saveProfile(profile("tmpfs", 3));
      expect(h.predictorState().profiles).toEqual({ tmpfs: profile("tmpfs", 3), ext4: profile("ext4", 2) });
    });

    test("clear removes every record and the learned averages, keeps profiles, and says how many records went", async () => {
      await using h = await make();
      await h.saveProfile(profile("tmpfs", 5));
      for (const n of [1, 2, 3]) await h.append(runRecord(n));
      expect(await h.clear()).toBe(3);
      expect(await h.recent(10)).toEqual([]);
      expect(h.predictorState()).toEqual({ ...EMPTY_PREDICTOR, profiles: { tmpfs: profile("tmpfs", 5) } });
      await h.append(runRecord(8));
      expect(h.predictorState().ema).toEqual(taught([runRecord(8)]).ema);
    });

    test("appends made at once all land, each whole, and all count in the state", async () => {
      await using h = await make();
      const records = Array.from({ length: 24 }, (_, i) => runRecord(i + 1));
      await Promise.all(records.map((r) => h.append(r)));
      const got = await h.recent(100);
      expect(got.map((r) => r.files).sort((a, b) => a - b)).toEqual(records.map((r) => r.files));
      const runs = Object.values(h.predictorState().ema).flatMap((perWorkers) => Object.values(perWorkers).map((e) => e.runs));
      expect(runs.reduce((a, b) => a + b, 0)).toBe(24);
    });
  });
}
