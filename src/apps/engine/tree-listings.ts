import type { EntryMeta } from "../../domain/entry.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { isPeerViolation } from "../../domain/peer-path.ts";
import { joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { Reporter } from "../../ports/reporter.ts";
import type { DirListing, Store } from "../../ports/store.ts";
import type { RunStats } from "./run-stats.ts";
import { vanishedFromSource, vanishedWarning } from "./vanished.ts";

/** A directory the tree walk is about to list. */
export interface PendingDir {
  readonly path: RelPath;
  readonly destExists: boolean;
  /** An extraneous destination directory of a filtered mirror: only its deletions are planned. */
  readonly destOnly?: boolean;
  /** The directory is new at the destination: its own visit creates it (with this metadata) before writing into it. */
  readonly create?: EntryMeta;
}

const NO_ENTRIES: DirListing = { entries: [], failures: [] };

/**
 * The listings of one tree walk (engine/tree-sync.ts) and what they mean for the run: a source
 * entry that cannot be read is a failure and makes the scan incomplete (mirror deletions are
 * withheld, SPEC §3); one that vanished since it was listed is only a warning.
 */
export class TreeListings {
  /** True once a source entry could not be read. */
  incomplete = false;

  constructor(
    private readonly src: Store,
    private readonly dst: Store,
    private readonly stats: RunStats,
    private readonly reporter: Reporter,
    private readonly signal: AbortSignal,
  ) {}

  sourceFailures(dir: PendingDir, failures: DirListing["failures"]): void {
    for (const f of failures) {
      this.incomplete = true;
      this.stats.fail(joinRel(dir.path, f.name), f.error);
    }
  }

  /** A source directory that could not be listed: a warning when it vanished since, else a failure. */
  async unreadableOrGone(dir: PendingDir, e: BlitError): Promise<null> {
    if (dir.path === "" || !(await vanishedFromSource(this.src, dir.path, e))) return this.unreadable(dir, e);
    this.reporter.warn(vanishedWarning(dir.path));
    return null;
  }

  /** Records an unreadable directory; the root, a cancellation and a hostile peer end the run. */
  private unreadable(dir: PendingDir, e: BlitError): null {
    if (dir.path === "" || e.code === "CANCELLED" || isPeerViolation(e)) throw e;
    this.incomplete = true;
    this.stats.fail(dir.path, e);
    return null;
  }

  /** The source listing; null when the directory cannot be read (a failure: the scan is incomplete). */
  async source(dir: PendingDir): Promise<DirListing | null> {
    if (dir.destOnly === true) return NO_ENTRIES;
    try {
      return await this.src.list(dir.path, this.signal);
    } catch (e) {
      if (!isBlitError(e)) throw e;
      return this.unreadableOrGone(dir, e);
    }
  }

  async dest(dir: PendingDir): Promise<DirListing | null> {
    if (!dir.destExists) return null;
    try {
      return await this.dst.list(dir.path, this.signal);
    } catch (e) {
      if (isBlitError(e) && e.code === "NOT_FOUND") return null;
      throw e;
    }
  }
}
