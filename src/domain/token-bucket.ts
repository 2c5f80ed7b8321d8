/**
 * The pacing of `--bwlimit RATE` (bytes per second): each `reserve(n, nowMs)` books `n` bytes and
 * answers how many milliseconds the caller waits before moving them, so that the bytes moved by
 * time t never exceed `rate × t` plus a burst of `burstBytes` (an idle bucket fills up to that
 * much, never more). Reservations queue: a caller books after the ones before it. Pure: the clock
 * is the caller's.
 */
export class TokenBucket {
  /** When every byte booked so far is paid for (ms on the caller's clock); -Infinity: never used. */
  private paidUntil = Number.NEGATIVE_INFINITY;
  readonly burstBytes: number;

  constructor(readonly bytesPerSec: number) {
    if (!(bytesPerSec > 0)) throw new RangeError("a token bucket needs a positive rate");
    this.burstBytes = Math.max(MIN_BURST_BYTES, Math.floor(bytesPerSec * BURST_SEC));
  }

  /** Books `n` bytes at `nowMs`; the answer is the wait in ms (0: move them now). */
  reserve(n: number, nowMs: number): number {
    const burstMs = (this.burstBytes * 1000) / this.bytesPerSec;
    this.paidUntil = Math.max(this.paidUntil, nowMs - burstMs) + (n * 1000) / this.bytesPerSec;
    return Math.max(0, this.paidUntil - nowMs);
  }

  /** The largest piece worth booking at once: a quarter second of the rate (at least 1 byte, at most 64 KiB). */
  get sliceBytes(): number {
    return Math.max(1, Math.min(MAX_SLICE_BYTES, Math.floor(this.bytesPerSec / 4)));
  }
}

// --- internal ---

/** An idle bucket holds this long of the rate... */
const BURST_SEC = 0.05;
/** ...but at least this much (one small write goes at once). */
const MIN_BURST_BYTES = 16 * 1024;
const MAX_SLICE_BYTES = 64 * 1024;
