import type { BlitError } from "../../domain/errors.ts";
import { take } from "./chunk-loans.ts";
import { asZeros, isHole } from "./demux-holes.ts";
import type { Incoming } from "./incoming-file.ts";

/**
 * Pieces going into a file's stream (FileDemux.stream) in order, each waiting for room: a feed takes the stream at most
 * one piece past its high-water mark, however many pieces (a hole's zeros) it has.
 */

/**
 * Enqueues `pieces` into `c`, waiting after each while the stream is full; ends early once the consumer cancelled
 * (`f.controller` is no longer `c`) or the stream errored.
 */
export async function feed(f: Incoming, c: ReadableStreamDefaultController<Uint8Array>, pieces: Iterable<Uint8Array>): Promise<void> {
  for (const piece of pieces) {
    if (f.controller !== c) return;
    try {
      c.enqueue(piece);
    } catch {
      return; // errored
    }
    while ((c.desiredSize ?? 1) <= 0 && f.controller === c) await new Promise<void>((resolve) => (f.room = resolve));
  }
}

/** Feeds `pieces` after what is still being fed (`f.feeding` until all went in); resolves then. */
export function feedLater(f: Incoming, pieces: Iterable<Uint8Array>): Promise<void> {
  const c = f.controller!;
  const fed: Promise<void> = (f.feeding ?? Promise.resolve())
    .then(() => feed(f, c, pieces))
    .finally(() => {
      if (f.feeding === fed) f.feeding = null;
    });
  f.feeding = fed;
  return fed;
}

/** Ends a file's stream: an error at once (its queued pieces dropped), a close once everything was fed. */
export function endStream(f: Incoming, error: BlitError | null): void {
  const c = f.controller!;
  const end = () => {
    try {
      if (error === null) c.close();
      else c.error(error);
    } catch {
      // the consumer cancelled it
    }
  };
  if (error === null && f.feeding !== null) void f.feeding.then(end);
  else end();
  f.room?.();
}

/**
 * The stream of claimed file `f` (FileDemux.stream): what arrived before the claim goes in at once
 * (copied where it lies in a borrowed chunk) up to the first hole, from there each piece waits for
 * room; `forget` drops the file when the consumer cancels.
 */
export function fileStream(f: Incoming, highWaterMark: number, forget: () => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        f.controller = c;
        const queued = take(f);
        const parts = queued.parts.map((q, k) => (queued.loans[k] !== null ? q.slice() : q));
        queued.release();
        const hole = parts.findIndex(isHole);
        for (const q of hole < 0 ? parts : parts.slice(0, hole)) c.enqueue(q);
        if (hole >= 0) void feedLater(f, asZeros(parts.slice(hole)));
        if (f.done) endStream(f, f.error);
      },
      pull: () => {
        const r = f.room;
        f.room = null;
        r?.();
      },
      cancel: () => {
        f.done = true;
        f.controller = null;
        forget();
        f.room?.();
      },
    },
    { highWaterMark, size: (c) => c?.length ?? 0 },
  );
}
