import { DAEMON_LIMITS } from "../../domain/daemon-limits.ts";
import { BlitError } from "../../domain/errors.ts";

/** What an entry for a file nobody named costs the budget, besides its bytes (bounds the entries too). */
const ENTRY_BYTES = 1024;

/**
 * The bytes a FileDemux holds for files that no request named yet and nobody claimed (a peer's
 * data racing ahead of its request, or data for files nobody asked for). Holding more than
 * `maxBytes` makes the channel that brought them wait until a request names its files; when none
 * does within `waitMs`, that channel is refused (the error names the limit in `details.limit`).
 */
export class UnannouncedBudget {
  private readonly named = new Set<number>();
  private held = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly maxBytes: number = DAEMON_LIMITS.maxUnannouncedBytes,
    private readonly waitMs: number = DAEMON_LIMITS.unannouncedWaitMs,
  ) {}

  /** A request named these files: their bytes no longer count. */
  announce(fileIds: readonly number[]): void {
    for (const id of fileIds) this.named.add(id);
  }

  /** True when file `fileId` was named by a request (and not claimed since). */
  isNamed(fileId: number): boolean {
    return this.named.has(fileId);
  }

  /** A claim took the file: forgets that it was named. */
  forget(fileId: number): void {
    this.named.delete(fileId);
  }

  /** Charges a new entry for a file nobody named; returns what was charged. */
  chargeEntry(): number {
    this.held += ENTRY_BYTES;
    return ENTRY_BYTES;
  }

  /** Charges `bytes` held for a file nobody named; returns them. */
  charge(bytes: number): number {
    this.held += bytes;
    return bytes;
  }

  /** Gives back a file's charge `charged` (it was named or claimed); returns what it still costs: 0. */
  refund(charged: number): number {
    if (charged <= 0) return 0;
    this.held -= charged;
    if (this.held <= this.maxBytes) this.wake();
    return 0;
  }

  /** A file's bytes were dropped: gives back all of its charge `charged` but its entry's; returns what it still costs. */
  keepEntry(charged: number): number {
    if (charged <= ENTRY_BYTES) return charged;
    this.refund(charged - ENTRY_BYTES);
    return ENTRY_BYTES;
  }

  /** More than the budget is held: `room` would wait. */
  get over(): boolean {
    return this.held > this.maxBytes;
  }

  /** Waits while more than the budget is held; throws once that lasted `waitMs`, or when `signal` aborts. */
  async room(fileId: number, signal?: AbortSignal): Promise<void> {
    if (this.held <= this.maxBytes) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(this.refusal(fileId)), this.waitMs);
        onAbort = () => reject(new BlitError("CANCELLED", "session ended"));
        signal?.addEventListener("abort", onAbort, { once: true });
      });
      while (this.held > this.maxBytes) await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), late]);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Lets every waiter go (the demux failed: nothing will be named any more). */
  release(): void {
    this.held = 0;
    this.wake();
  }

  // --- internal ---

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private refusal(fileId: number): BlitError {
    const mib = this.maxBytes / (1 << 20);
    return new BlitError(
      "CORRUPT_DATA",
      `more than ${mib} MiB of data arrived for files no request named (file ${fileId}) and no request named them within ${this.waitMs / 1000} s`,
      { limit: "maxUnannouncedBytes", fileId },
    );
  }
}
