/**
 * The delay before a refused authentication is answered (SPEC §9): the first failure from an
 * address is answered at once, each further one within FORGET_MS of the previous waits twice as
 * long as the one before, up to MAX_DELAY_MS. The table holds at most MAX_ADDRESSES addresses
 * (the one failing longest ago goes first), so a flood of addresses cannot grow it.
 */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 4_000;
/** An address with no failure for this long starts again from no delay. */
const FORGET_MS = 60_000;
const MAX_ADDRESSES = 4096;

export class AuthBackoff {
  /** Address → failures in a row and when the last one was; oldest first (Map order). */
  private readonly failures = new Map<string, { count: number; at: number }>();

  /** Records a failure from `address` at `now` (ms) and returns how long to wait before answering it. */
  fail(address: string, now: number): number {
    const seen = this.failures.get(address);
    const count = seen !== undefined && now - seen.at < FORGET_MS ? seen.count + 1 : 1;
    this.failures.delete(address);
    this.failures.set(address, { count, at: now });
    while (this.failures.size > MAX_ADDRESSES) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
    return count <= 1 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (count - 2));
  }

  /** Addresses held (for tests of the bound). */
  get size(): number {
    return this.failures.size;
  }
}
