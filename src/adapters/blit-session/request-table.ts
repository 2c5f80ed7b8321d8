import { BlitError } from "../../domain/errors.ts";
import type { Unchecked } from "../../domain/peer-path.ts";
import type { StoreReply as AnyReply } from "../../ports/session.ts";

/** Replies as they arrive from the daemon: their names are Unchecked. */
type StoreReply = AnyReply<Unchecked>;

interface Waiting {
  readonly onReply: (r: StoreReply) => void;
  readonly reject: (e: BlitError) => void;
}

/**
 * Requests of a session waiting for their replies, by id. `call` sends a request and resolves with
 * its replies (a listing comes in pieces); `closeAll` fails whatever is still waiting.
 */
export class RequestTable {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closed: BlitError | null = null;

  /** Sends a request (`send(id)`) and collects replies until one with `last`. */
  call(send: (id: number) => void): Promise<StoreReply[]> {
    if (this.closed !== null) return Promise.reject(this.closed);
    const id = this.nextId++;
    if (this.nextId > 0xffff_ffff) this.nextId = 1;
    return new Promise<StoreReply[]>((resolve, reject) => {
      const replies: StoreReply[] = [];
      this.waiting.set(id, {
        onReply: (r) => {
          if (r.kind === "error") {
            this.waiting.delete(id);
            return reject(r.error);
          }
          replies.push(r);
          if (!r.last) return;
          this.waiting.delete(id);
          resolve(replies);
        },
        reject,
      });
      send(id);
    });
  }

  /** Routes one reply; a reply to nothing waiting is a protocol error. */
  deliver(r: StoreReply): void {
    const w = this.waiting.get(r.id);
    if (w === undefined) throw new BlitError("PROTOCOL_MISMATCH", `reply to unknown request ${r.id}`);
    w.onReply(r);
  }

  closeAll(e: BlitError): void {
    this.closed ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
