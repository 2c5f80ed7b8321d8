import type { BlitError } from "../../domain/errors.ts";
import type { Channel } from "../../ports/transport.ts";
import { FileSender } from "./file-sender.ts";

/**
 * The data connections of a session as send lanes: each batch of files runs on the lane with the
 * fewest bytes queued, one batch at a time per lane (records of one file stay in order on one
 * connection).
 */
export class SendLanes {
  private readonly lanes: { sender: FileSender; channel: Channel; tail: Promise<void>; queued: number }[];

  /** `scrub` rewrites the error of every FAIL record sent (a daemon hides its server paths). */
  constructor(channels: readonly Channel[], scrub?: (e: BlitError) => BlitError) {
    this.lanes = channels.map((channel) => ({ sender: new FileSender(channel, scrub), channel, tail: Promise.resolve(), queued: 0 }));
  }

  /** Runs `body` with the sender of the least busy lane once that lane is free. */
  run(bytes: number, body: (sender: FileSender) => Promise<void>): Promise<void> {
    const lane = this.lanes.reduce((a, b) => (b.queued < a.queued ? b : a));
    lane.queued += bytes;
    const next = lane.tail.then(() => body(lane.sender)).finally(() => (lane.queued -= bytes));
    lane.tail = next.catch(() => {});
    return next;
  }

  /** True (once) when file `fileId`, sent on one of the lanes, changed while it was read. */
  takeChanged(fileId: number): boolean {
    return this.lanes.some((l) => l.sender.changed.delete(fileId));
  }

  get sentBytes(): number {
    return this.lanes.reduce((n, l) => n + l.sender.sentBytes, 0);
  }

  /** Waits for every lane, sends `last` (END) on each and ends it. */
  async close(last: Uint8Array): Promise<void> {
    await Promise.all(
      this.lanes.map(async (l) => {
        await l.tail;
        await l.channel.send(last);
        await l.channel.end();
      }),
    );
  }
}
