import { BlitError } from "../errors.ts";

/**
 * Connections a listener received and not yet handed out: `accept` takes the oldest or waits for
 * the next; after `close` it throws CANCELLED, and `close` returns what was never taken.
 */
export class AcceptQueue<T> {
  private readonly ready: T[] = [];
  private readonly waiting: ((item: T | null) => void)[] = [];
  private closed = false;

  /** False once closed (the caller then disposes `item` itself). */
  offer(item: T): boolean {
    if (this.closed) return false;
    const w = this.waiting.shift();
    if (w !== undefined) w(item);
    else this.ready.push(item);
    return true;
  }

  accept(signal?: AbortSignal): Promise<T> {
    const item = this.ready.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.closed) return Promise.reject(new BlitError("CANCELLED", "listener closed"));
    return new Promise((resolve, reject) => {
      const take = (x: T | null) => (x === null ? reject(new BlitError("CANCELLED", "listener closed")) : resolve(x));
      this.waiting.push(take);
      signal?.addEventListener(
        "abort",
        () => {
          const i = this.waiting.indexOf(take);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new BlitError("CANCELLED", "accept cancelled"));
        },
        { once: true },
      );
    });
  }

  close(): T[] {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w(null);
    return this.ready.splice(0);
  }
}
