import type { DirEntry } from "../../domain/entry.ts";
import type { BlitError } from "../../domain/errors.ts";
import { offers } from "../../domain/capability.ts";
import type { DirectoryPlan } from "../../domain/plan.ts";
import type { RelPath } from "../../domain/rel-path.ts";
import type { DirectoryPass, DirectoryPassRequest } from "../../ports/directory-pass.ts";
import type { Planner } from "../../ports/planner.ts";
import type { Reporter } from "../../ports/reporter.ts";
import type { DirectoryPasses } from "../../ports/store-capabilities.ts";
import type { Store } from "../../ports/store.ts";
import type { ItemizePriors } from "./itemize-priors.ts";
import type { RunStats } from "./run-stats.ts";
import type { PendingDir, TreeListings } from "./tree-listings.ts";
import type { TreeSyncOptions } from "./tree-sync-options.ts";

/** One directory planned (see DirPlanning.listAndPlan). */
export interface PlannedDir {
  readonly plan: DirectoryPlan;
  /** Destination entries (only its directories are read); null when it does not exist. */
  readonly destDirs: readonly DirEntry[] | null;
  readonly skippedLeaves: number;
  readonly written: DirectoryPass["written"];
}

/**
 * How the tree walk (tree-sync.ts) gets one directory's plan: from the destination store's directory
 * pass when it offers one (which may also have written part of the plan), else by listing both ends
 * and planning here. A directory new at the destination is created by its own visit, before anything
 * is written into it: by the pass (which fills it under a temporary name and renames it into place
 * once, local stores) or here.
 */
export class DirPlanning {
  /** New directories that could not be created (their mode and mtime are not applied). */
  readonly uncreated = new Set<RelPath>();
  /** The destination, when it passes this run's directories (a local store from a local source, no filter, …). */
  private readonly passes: (Store & DirectoryPasses) | null;

  constructor(
    private readonly src: Store,
    private readonly dst: Store,
    private readonly planner: Planner,
    private readonly options: TreeSyncOptions,
    private readonly listings: TreeListings,
    private readonly stats: RunStats,
    private readonly reporter: Reporter,
    private readonly priors: ItemizePriors,
    private readonly signal: AbortSignal,
  ) {
    const passes = offers<DirectoryPasses>(dst, "passDirectory", "passesFrom") && options.pace == null && options.snapshot == null && dst.passesFrom(src, options.plan);
    this.passes = passes ? (dst as Store & DirectoryPasses) : null;
  }

  /** True when the destination store passes `dir` itself. */
  passable(dir: PendingDir): boolean {
    return dir.destOnly !== true && this.passes !== null;
  }

  /**
   * `dir` listed at both ends and planned (dir.create: created first). Null when the source directory
   * cannot be read or the new directory cannot be created (recorded as a failure).
   */
  async listAndPlan(dir: PendingDir): Promise<PlannedDir | null> {
    const pass = this.passes !== null && this.passable(dir) ? await this.passes.passDirectory(this.passRequest(dir), this.signal) : null;
    if (pass?.destError !== undefined) return this.notCreated(dir, pass.destError);
    if (pass === null && dir.create !== undefined) {
      const [made] = await this.dst.write([{ path: dir.path, meta: dir.create }], this.signal);
      if (made?.error !== undefined) return this.notCreated(dir, made.error);
    }
    if (dir.create !== undefined) this.reporter.item("mkdir", dir.path, this.priors.dir(dir.create, null));
    if (pass !== null) {
      if (pass.sourceError !== undefined) return this.listings.unreadableOrGone(dir, pass.sourceError);
      this.listings.sourceFailures(dir, pass.sourceFailures);
      const { plan, destDirs, skippedLeaves, written } = pass;
      return { plan, destDirs, skippedLeaves, written };
    }
    const [source, dest] = await Promise.all([this.listings.source(dir), this.listings.dest(dir)]);
    if (source === null) return null;
    this.listings.sourceFailures(dir, source.failures);
    const plan = this.planner.planDirectory(dir.path, source.entries, dest?.entries ?? null, this.options.plan);
    return { plan, destDirs: dest?.entries ?? null, skippedLeaves: 0, written: [] };
  }

  private passRequest(dir: PendingDir): DirectoryPassRequest {
    const { plan, dryRun, resume } = this.options;
    return { dir: dir.path, source: this.src, destExists: dir.destExists, create: dir.create !== undefined, plan, dryRun, resume };
  }

  private notCreated(dir: PendingDir, e: BlitError): null {
    this.uncreated.add(dir.path);
    this.stats.fail(dir.path, e);
    return null;
  }
}
