import type { PerfRecord } from "../../domain/perf-record.ts";
import { EMPTY_PREDICTOR, foldRun, withProfile, type FsProfile, type PredictorState } from "../../domain/predictor.ts";
import type { PerfHistory } from "../../ports/perf-history.ts";

/**
 * A performance history held in this process only: the records in order and the predictor's
 * state folded from them. Real, cheap, and used by tests instead of files; nothing survives the
 * process. Each call completes before it returns control, so concurrent appends never interleave.
 */
export class MemoryPerfHistory implements PerfHistory {
  readonly location = "memory";
  private records: PerfRecord[] = [];
  private state: PredictorState = EMPTY_PREDICTOR;

  predictorState(): PredictorState {
    return this.state;
  }

  async append(record: PerfRecord): Promise<void> {
    this.records.push(record);
    this.state = foldRun(this.state, record);
  }

  async recent(limit: number): Promise<PerfRecord[]> {
    return limit <= 0 ? [] : this.records.slice(-limit);
  }

  async clear(): Promise<number> {
    const removed = this.records.length;
    this.records = [];
    this.state = { ...this.state, ema: {} };
    return removed;
  }

  async saveProfile(profile: FsProfile): Promise<void> {
    this.state = withProfile(this.state, profile);
  }
}
