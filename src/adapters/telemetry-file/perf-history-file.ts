import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync, constants } from "node:fs";
import { join } from "node:path";
import { parsePerfLines, type PerfRecord } from "../../domain/perf-record.ts";
import { EMPTY_PREDICTOR, foldRun, withProfile, type FsProfile, type PredictorState } from "../../domain/predictor.ts";
import type { PerfHistory } from "../../ports/perf-history.ts";
import { tryLockExclusive, unlock } from "./flock.ffi.ts";

export interface PerfHistoryFileOptions {
  /** The folder: $XDG_CONFIG_HOME/blit (default ~/.config/blit). */
  readonly dir: string;
  /** perf_local.jsonl is cut back to half this size, oldest records first, when it grows past it. */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
const LOCK_TRIES = 200;
const LOCK_POLL_MS = 5;

/**
 * The history as files in one folder: `perf_local.jsonl` (one record per line, appended),
 * `predictor.json` (the averages and profiles, small, read at start-up) and `.lock`, held with
 * flock while writing. Whole-file rewrites go to a temporary and are renamed into place, so a
 * reader never sees a torn file and concurrent runs never interleave; a run that cannot get the
 * lock within about a second records nothing rather than wait.
 */
export class PerfHistoryFile implements PerfHistory {
  private readonly log: string;
  private readonly state: string;
  private readonly maxBytes: number;

  readonly location: string;

  constructor(private readonly options: PerfHistoryFileOptions) {
    this.location = options.dir;
    this.log = join(options.dir, "perf_local.jsonl");
    this.state = join(options.dir, "predictor.json");
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  predictorState(): PredictorState {
    try {
      const value = JSON.parse(readFileSync(this.state, "utf8")) as PredictorState;
      return value?.v === 1 && typeof value.ema === "object" && typeof value.profiles === "object" ? value : EMPTY_PREDICTOR;
    } catch {
      return EMPTY_PREDICTOR;
    }
  }

  async append(record: PerfRecord): Promise<void> {
    await this.locked(() => {
      const fd = openSync(this.log, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
      try {
        writeSync(fd, `${JSON.stringify(record)}\n`);
      } finally {
        closeSync(fd);
      }
      if (statSync(this.log).size > this.maxBytes) this.compact();
      this.writeState(foldRun(this.predictorState(), record));
    });
  }

  async recent(limit: number): Promise<PerfRecord[]> {
    const records = parsePerfLines(this.readLog());
    return limit <= 0 ? [] : records.slice(-limit);
  }

  async clear(): Promise<number> {
    let removed = 0;
    await this.locked(() => {
      removed = parsePerfLines(this.readLog()).length;
      this.replace(this.log, "");
      this.writeState({ ...this.predictorState(), ema: {} });
    });
    return removed;
  }

  async saveProfile(profile: FsProfile): Promise<void> {
    await this.locked(() => this.writeState(withProfile(this.predictorState(), profile)));
  }

  // --- internal ---

  private readLog(): string {
    try {
      return readFileSync(this.log, "utf8");
    } catch {
      return "";
    }
  }

  /** Keeps the newest records that fit in half of maxBytes. */
  private compact(): void {
    const lines = this.readLog().split("\n").filter((l) => l.trim() !== "");
    const kept: string[] = [];
    let size = 0;
    for (let i = lines.length - 1; i >= 0; i--) {
      size += lines[i]!.length + 1;
      if (size > this.maxBytes / 2) break;
      kept.push(lines[i]!);
    }
    this.replace(this.log, kept.reverse().map((l) => `${l}\n`).join(""));
  }

  private writeState(state: PredictorState): void {
    this.replace(this.state, `${JSON.stringify(state)}\n`);
  }

  private replace(path: string, text: string): void {
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, path);
  }

  private async locked(body: () => void): Promise<void> {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    const fd = openSync(join(this.options.dir, ".lock"), constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      for (let i = 0; !tryLockExclusive(fd); i++) {
        if (i >= LOCK_TRIES) return;
        await Bun.sleep(LOCK_POLL_MS);
      }
      try {
        body();
      } finally {
        unlock(fd);
      }
    } finally {
      closeSync(fd);
    }
  }
}
