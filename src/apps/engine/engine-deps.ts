import type { DelegationClient } from "../../ports/delegation.ts";
import type { Planner } from "../../ports/planner.ts";
import type { Reporter } from "../../ports/reporter.ts";
import type { RemoteStores } from "../../ports/remote-store.ts";
import type { Store } from "../../ports/store.ts";
import type { Confirm } from "./transfer-request.ts";

/** What the engine gets from the composition root: adapters, clock, prompts. */
export interface EngineDeps {
  readonly reporter: Reporter;
  /** Asked before destructive steps; null when the user said --yes (or nothing is destructive). */
  readonly confirm: Confirm | null;
  readonly signal: AbortSignal;
  readonly planner: Planner;
  /** A Store rooted at an absolute local directory. */
  openStore(absPath: string, role: "source" | "destination"): Store;
  /** Home directory (for `~/`) and working directory (for relative paths). */
  readonly home: string;
  readonly cwd: string;
  /** The path with symlinks of its existing part resolved, for overlap checks. */
  canonicalPath(absPath: string): string;
  /** Data streams to ask a daemon for (the predictor's choice); null: the daemon decides. */
  readonly dataStreams?: number | null;
  /** Opens daemons' modules as Stores (sessions created on first use, closed with the process). */
  remoteStores(): Promise<RemoteStores>;
  /** Asks daemons for delegated pulls (remote→remote); absent: remote→remote is always relayed. */
  readonly delegation?: () => Promise<DelegationClient>;
  /** Milliseconds from a monotonic clock. */
  now(): number;
}
