/**
 * Works through a queue that grows while it is worked on (directories found while walking a
 * tree), at most `limit` items at once, newest first (depth-first keeps the queue small).
 *
 * `check` runs after every completion and may throw to stop the walk (cancelled, stalled, out of
 * space). On the first failure nothing more is started; the running items end, then the promise
 * rejects with that failure. Completions are counted rather than raced: Promise.race over the
 * running set cost more than the visits themselves on trees of many small directories.
 */
export function visitAll<T>(pending: T[], limit: number, visit: (item: T, pending: T[]) => Promise<void>, check: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let running = 0;
    let failure: { error: unknown } | null = null;
    const done = (): void => {
      running--;
      pump();
    };
    const pump = (): void => {
      if (failure === null) {
        try {
          check();
        } catch (error) {
          failure = { error };
        }
      }
      while (failure === null && pending.length > 0 && running < limit) {
        running++;
        visit(pending.pop()!, pending).then(done, (error: unknown) => {
          failure ??= { error };
          done();
        });
      }
      if (running > 0) return;
      if (failure !== null) reject(failure.error);
      else resolve();
    };
    pump();
  });
}
