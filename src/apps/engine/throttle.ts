import { BlitError } from "../../domain/errors.ts";
import { TokenBucket } from "../../domain/token-bucket.ts";
import type { Channel } from "../../ports/transport.ts";

/**
 * `--bwlimit RATE` of one run: the bytes this process sends on all its data connections are paced
 * by one bucket, the bytes it receives by another (a relay receives and sends each byte, so its
 * files still move at RATE); a local run paces the bytes it copies with `sent`.
 */
export interface RunThrottle {
  readonly sent: Pacer;
  readonly received: Pacer;
}

/** A throttle for `bytesPerSec`; null when there is no limit (absent or 0). */
export function runThrottle(bytesPerSec: number | undefined, now: () => number = () => performance.now()): RunThrottle | null {
  if (bytesPerSec === undefined || bytesPerSec <= 0) return null;
  return { sent: new Pacer(new TokenBucket(bytesPerSec), now), received: new Pacer(new TokenBucket(bytesPerSec), now) };
}

/** Waits, as the bucket says, before bytes move. */
export class Pacer {
  constructor(
    private readonly bucket: TokenBucket,
    private readonly now: () => number,
  ) {}

  /** The largest piece to book at once (a quarter second of the rate, at most 64 KiB). */
  get slice(): number {
    return this.bucket.sliceBytes;
  }

  /** Waits until `sizes` bytes may move, a slice at a time; `moved` is told of each slice (movement for the stall window). */
  async pay(sizes: readonly { readonly path: string; readonly size: number }[], moved: (path: string) => void, signal?: AbortSignal): Promise<void> {
    for (const f of sizes) {
      for (let left = f.size; left > 0; left -= this.slice) {
        await this.take(Math.min(left, this.slice), signal);
        moved(f.path);
      }
    }
  }

  /** Resolves when `n` more bytes may move; CANCELLED when `signal` aborts first. */
  take(n: number, signal?: AbortSignal): Promise<void> {
    const wait = this.bucket.reserve(n, this.now());
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new BlitError("CANCELLED", "cancelled"));
      const onAbort = () => {
        clearTimeout(timer);
        reject(new BlitError("CANCELLED", "cancelled"));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, wait);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/**
 * `channel` with its sends cut into pieces of `throttle.sent.slice`, each waiting for the bucket,
 * and each received chunk paid for before it is handed on (the sender then waits on TCP's
 * window). No zero-copy paths: they would move a whole record at once.
 */
export function throttledChannel(channel: Channel, throttle: RunThrottle): Channel {
  return {
    async send(bytes, signal) {
      const slice = throttle.sent.slice;
      for (let at = 0; at < bytes.length; at += slice) {
        const piece = bytes.subarray(at, Math.min(bytes.length, at + slice));
        await throttle.sent.take(piece.length, signal);
        await channel.send(piece, signal);
      }
    },
    incoming: paced(channel.incoming, throttle.received),
    ...(channel.release !== undefined && { release: (chunk: Uint8Array) => channel.release!(chunk) }),
    end: () => channel.end(),
    get remoteAddress() {
      return channel.remoteAddress;
    },
    get zeroCopyBytes() {
      return channel.zeroCopyBytes;
    },
    [Symbol.asyncDispose]: () => channel[Symbol.asyncDispose](),
  };
}

// --- internal ---

/**
 * Each iteration of `incoming` as it is, each chunk paid for before it is handed on (so the last
 * one is paid too: a run never ends ahead of its rate, whatever size the chunks come in).
 */
function paced(incoming: AsyncIterable<Uint8Array>, pacer: Pacer): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      const inner = incoming[Symbol.asyncIterator]();
      return {
        async next() {
          const r = await inner.next();
          if (r.done !== true && r.value.length > 0) await pacer.take(r.value.length);
          return r;
        },
        return: (value?: unknown) => inner.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
      };
    },
  };
}
