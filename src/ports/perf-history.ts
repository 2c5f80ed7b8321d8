import type { PerfRecord } from "../domain/perf-record.ts";
import type { FsProfile, PredictorState } from "../domain/predictor.ts";

/** The local performance history (SPEC §8): run records and the predictor's state. Never leaves the machine. */
export interface PerfHistory {
  /** Where it is kept, for people. */
  readonly location: string;
  /** The predictor's state (empty when there is none); cheap, read at start-up. */
  predictorState(): PredictorState;
  /** Appends one run record and folds it into the predictor's state; safe against concurrent runs. */
  append(record: PerfRecord): Promise<void>;
  /** The newest `limit` records, oldest first. */
  recent(limit: number): Promise<PerfRecord[]>;
  /** Removes every record and the learned averages (profiles stay); returns how many records went. */
  clear(): Promise<number>;
  /** Records a measured filesystem profile for the predictor. */
  saveProfile(profile: FsProfile): Promise<void>;
}
