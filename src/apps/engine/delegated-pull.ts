import { formatEndpoint, type RemoteEndpoint } from "../../domain/endpoint.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { DelegatedPull, DelegationEvent } from "../../ports/delegation.ts";
import type { Reporter } from "../../ports/reporter.ts";
import type { EngineDeps } from "./engine-deps.ts";
import { runTransfer } from "./transfer.ts";
import type { StoreEnd, TransferRequest } from "./transfer-request.ts";

/**
 * The destination daemon's side of a delegated pull: runs the engine with the source daemon as a
 * remote end (a Pull session, as the CLI would open) and `dest` — a store of this process — as
 * the destination, and turns what the run reports into events, the summary last. Move removes the
 * source entries only after the copies are durable, as in every route. A source daemon that cannot
 * be reached is UNREACHABLE with `details.delegation = "source-unreachable"`.
 * `deps.confirm` should be null: the client asked its user before it delegated. A consumer that
 * stops reading early should abort `deps.signal` and may await `settled` (the run's end).
 */
export function runDelegatedPull(pull: DelegatedPull, dest: StoreEnd, deps: EngineDeps): DelegatedRun {
  const events = new EventQueue();
  const reporter: Reporter = {
    progress: (snapshot) => events.progress({ t: "progress", snapshot }),
    item: (action, path, change) => events.push({ t: "item", action, path, ...(change !== undefined && { change }) }),
    warn: (message) => events.push({ t: "warning", message }),
  };
  const source: RemoteEndpoint = {
    kind: "remote",
    raw: "",
    host: pull.source.host,
    port: pull.source.port,
    module: pull.source.target.module,
    path: pull.source.target.path,
    contentsOnly: pull.source.contentsOnly,
    trailingSlash: pull.source.contentsOnly,
  };
  const request: TransferRequest = {
    ...pull.options,
    source: formatEndpoint(source),
    destination: `${dest.label}:/${dest.path}${dest.trailingSlash && dest.path !== "" ? "/" : ""}`,
    maxThreads: null,
    ends: { source, destination: dest },
  };
  const settled = runTransfer(request, { ...deps, reporter }).then(
    (s) => {
      const { operation: _o, source: _s, destination: _d, route: _r, dry_run: _n, ...summary } = s;
      events.push({ t: "summary", summary });
      events.end(null);
    },
    (e: unknown) => events.end(sourceUnreachable(e)),
  );
  return { [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](), settled };
}

/** The events of a delegated pull, and when the run has ended (it never rejects). */
export interface DelegatedRun extends AsyncIterable<DelegationEvent> {
  readonly settled: Promise<void>;
}

// --- internal ---

function sourceUnreachable(e: unknown): unknown {
  if (!isBlitError(e) || e.code !== "UNREACHABLE") return e;
  return new BlitError("UNREACHABLE", `the destination daemon cannot reach the source daemon: ${e.message}`, { ...e.details, delegation: "source-unreachable" });
}

/**
 * Events waiting for the consumer. Progress is coalesced (only the newest snapshot waits); warnings,
 * items and the summary are kept in order.
 */
class EventQueue implements AsyncIterable<DelegationEvent> {
  private queue: DelegationEvent[] = [];
  private head = 0;
  private latest: DelegationEvent | null = null;
  private done = false;
  private failure: unknown = null;
  private wake: (() => void) | null = null;

  progress(e: DelegationEvent): void {
    this.latest = e;
    this.poke();
  }

  push(e: DelegationEvent): void {
    if (this.latest !== null) this.queue.push(this.latest);
    this.latest = null;
    this.queue.push(e);
    this.poke();
  }

  end(failure: unknown): void {
    this.done = true;
    this.failure = failure;
    this.poke();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<DelegationEvent> {
    for (;;) {
      const next = this.take() ?? this.takeLatest();
      if (next !== null) {
        yield next;
        continue;
      }
      if (this.done) {
        if (this.failure !== null) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private take(): DelegationEvent | null {
    if (this.head >= this.queue.length) return null;
    const e = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  private takeLatest(): DelegationEvent | null {
    const e = this.latest;
    this.latest = null;
    return e;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
