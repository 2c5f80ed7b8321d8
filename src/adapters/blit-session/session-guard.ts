import { DAEMON_LIMITS } from "../../domain/daemon-limits.ts";
import { BlitError } from "../../domain/errors.ts";
import type { StoreRequest } from "../../ports/session.ts";

/** Items (paths, entries, files) a request carries: 1 for those that name one path. */
export function requestItems<P>(req: StoreRequest<P>): number {
  switch (req.op) {
    case "read":
    case "write":
      return req.items.length;
    case "setMeta":
      return req.entries.length;
    case "remove":
      return req.paths.length;
    case "snapshot":
      return req.steps.length;
    case "link":
      return req.links.length;
    default:
      return 1;
  }
}

/** The refusal of a request with more than DAEMON_LIMITS.maxRequestItems items. */
export function tooManyItems<P>(req: StoreRequest<P>, items: number): BlitError {
  const max = DAEMON_LIMITS.maxRequestItems;
  return new BlitError("USAGE", `a ${req.op} request may carry at most ${max} items, this one has ${items}: send them in smaller requests`, {
    limit: "maxRequestItems",
    max,
    items,
  });
}

/**
 * Ends a silent session: `expired` rejects with TIMEOUT when no request ran and the client sent
 * nothing for the first-request time (until its first request) or the idle time (after it).
 * `heard` on every message, `started`/`finished` around every request.
 */
export class QuietWatch {
  readonly expired: Promise<never>;
  private fire!: (e: BlitError) => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = 0;
  private spoken = false;

  constructor(
    private readonly firstMs = DAEMON_LIMITS.sessionFirstRequestTimeoutMs,
    private readonly idleMs = DAEMON_LIMITS.sessionIdleTimeoutMs,
  ) {
    this.expired = new Promise<never>((_, reject) => (this.fire = reject));
    this.expired.catch(() => {});
    this.arm();
  }

  heard(request: boolean): void {
    if (request) this.spoken = true;
    if (this.running === 0) this.arm();
  }

  started(): void {
    this.running++;
    clearTimeout(this.timer);
  }

  finished(): void {
    if (--this.running === 0) this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  // --- internal ---

  private arm(): void {
    clearTimeout(this.timer);
    const ms = this.spoken ? this.idleMs : this.firstMs;
    const what = this.spoken ? "nothing" : "no request";
    const limit = this.spoken ? "sessionIdleTimeoutMs" : "sessionFirstRequestTimeoutMs";
    this.timer = setTimeout(() => this.fire(new BlitError("TIMEOUT", `the session sent ${what} for ${ms / 1000} s and was ended by the daemon`, { limit })), ms);
  }
}
