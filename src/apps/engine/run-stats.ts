import { BlitError } from "../../domain/errors.ts";
import { LossesOncePerKind } from "../../domain/fidelity.ts";
import { displayName } from "../../domain/rel-path.ts";
import type { Phase, ProgressSnapshot } from "../../domain/summary.ts";
import type { Reporter } from "../../ports/reporter.ts";

/** How long nothing may move before a run is declared stalled. */
/** The stall window unless --timeout says otherwise. */
export const STALL_MS = 10_000;
const PROGRESS_EVERY_MS = 200;

/** Files handed to the destination in one write, not landed yet. */
export interface WritingBatch {
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/**
 * Counters of one run, the progress feed and the stall detector. Anything that moves (an entry
 * listed, planned, written, a byte copied) calls `touch`; a timer reports progress and aborts the
 * run with STALLED when nothing moved for `stallMs` (default STALL_MS; 0: never) while work was
 * outstanding.
 * The current file is the one carrying bytes: the largest file of the oldest write still under
 * way (a big file keeps the name while the small ones queued after it wait or land), else the
 * entry touched last (a directory being listed, a file being compared).
 */
export class RunStats {
  phase: Phase = "scan";
  /** The entry touched last; see `currentPath()` for what progress shows. */
  current = "";
  examined = 0;
  transferred = 0;
  skipped = 0;
  bytes = 0;
  zeroCopyBytes = 0;
  deleted = 0;
  /** Files checked end to end after crossing a network, and those sent again after a mismatch. */
  verified = 0;
  resent = 0;
  sourcesRemoved = 0;
  plannedFiles = 0;
  plannedBytes = 0;
  scanComplete = false;
  readonly failures: { path: string; error: BlitError }[] = [];
  /** What the destination could not keep (attributes, ACLs, hard links): one warning per kind. */
  private readonly losses = new LossesOncePerKind();
  /** Bytes copied so far including files still in progress (the destination store's meter). */
  liveBytes: () => number = () => 0;
  private lastLive = 0;
  private lastMove: number;
  private moved = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly started: number;
  private readonly writing = new Set<WritingBatch>();

  constructor(
    private readonly now: () => number,
    private readonly reporter: Reporter,
    private readonly stallMs = STALL_MS,
  ) {
    this.started = now();
    this.lastMove = this.started;
  }

  /** Warns about the first loss of each kind among `losses` (an OpResult's) for this run; later ones are counted. */
  lost(losses: readonly BlitError[] | undefined): void {
    for (const e of losses ?? []) {
      const warning = this.losses.note(e);
      if (warning !== null) this.reporter.warn(warning);
    }
  }

  /** Called per entry on the hot path: only flags the movement; the timer reads the clock. */
  touch(current?: string): void {
    this.moved = true;
    if (current !== undefined) this.current = current;
  }

  /** A write of these files started; hand the result to `written` when it ends. */
  writingStarted(files: WritingBatch["files"]): WritingBatch {
    const batch = { files };
    this.writing.add(batch);
    return batch;
  }

  written(batch: WritingBatch): void {
    this.writing.delete(batch);
  }

  /** The file carrying bytes, or the entry touched last when no write is under way. */
  currentPath(): string {
    for (const batch of this.writing) {
      let largest = batch.files[0];
      for (const f of batch.files) if (largest === undefined || f.size > largest.size) largest = f;
      if (largest !== undefined) return largest.path;
    }
    return this.current;
  }

  /** The user stopped the run: the phase says so from now on, with no ETA, reported at once. */
  cancel(): void {
    if (this.phase === "cancelled" || this.phase === "done") return;
    this.phase = "cancelled";
    this.reporter.progress(this.snapshot());
  }

  fail(path: string, error: BlitError): void {
    this.failures.push({ path, error });
    this.touch();
  }

  elapsedMs(): number {
    return this.now() - this.started;
  }

  /** Starts progress reporting and the stall watchdog; `onStall` receives the STALLED error. */
  start(onStall: (e: BlitError) => void): void {
    this.timer = setInterval(() => {
      const live = this.liveBytes();
      const now = this.now();
      if (this.moved || live !== this.lastLive) this.lastMove = now;
      this.moved = false;
      this.lastLive = live;
      this.reporter.progress(this.snapshot());
      if (this.stallMs === 0 || now - this.lastMove < this.stallMs) return;
      const at = this.currentPath();
      const where = at === "" ? "" : ` at ${displayName(at)}`;
      onStall(new BlitError("STALLED", `no progress for ${this.stallMs / 1000} s in the ${this.phase} phase${where}`, { phase: this.phase, path: at }));
    }, PROGRESS_EVERY_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.phase !== "cancelled") this.phase = "done";
    this.reporter.progress(this.snapshot());
  }

  snapshot(): ProgressSnapshot {
    const secs = Math.max(this.elapsedMs() / 1000, 1e-3);
    const done = Math.max(this.bytes, this.liveBytes());
    const rate = done / secs;
    const left = Math.max(0, this.plannedBytes - done);
    return {
      phase: this.phase,
      filesDone: this.transferred,
      filesPlanned: this.plannedFiles,
      bytesDone: done,
      bytesPlanned: this.plannedBytes,
      bytesPerSec: rate,
      etaSec: this.scanComplete && rate > 0 && this.phase !== "cancelled" ? left / rate : null,
      current: this.currentPath(),
      scanComplete: this.scanComplete,
    };
  }
}
