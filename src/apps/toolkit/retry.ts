import { isBlitError, isRetryable } from "../../domain/errors.ts";

/** How often and how patiently to re-run, and what to say before each re-run. */
export interface RetryPolicy {
  /** Re-runs after the first attempt (0: none). */
  readonly retries: number;
  readonly waitSec: number;
  readonly signal: AbortSignal;
  /** Told before each re-run: the error, the re-run's number (from 1) and the retries allowed. */
  readonly onRetry: (error: Error, retry: number, retries: number) => void;
}

/**
 * Wraps `run` so that a transient failure (a BlitError whose code `isRetryable`) is re-run up to
 * `policy.retries` times, `waitSec` apart, unless `signal` was aborted. Any other error, or the
 * last transient one, is thrown as it came.
 */
export function withRetry<A extends unknown[], T>(run: (...args: A) => Promise<T>, policy: RetryPolicy): (...args: A) => Promise<T> {
  return async (...args) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run(...args);
      } catch (e) {
        if (attempt > policy.retries || policy.signal.aborted || !isBlitError(e) || !isRetryable(e.code)) throw e;
        policy.onRetry(e, attempt, policy.retries);
        await Bun.sleep(policy.waitSec * 1000);
      }
    }
  };
}
