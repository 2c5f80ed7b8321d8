/**
 * Hard links within the transferred set, on a destination that can make them (HardLinks): the walk hands every
 * directory's plan through `take`, which decides (domain HardLinkTable) which names are written and which become
 * links of the first name met of their inode, and keeps the links out of the plan's writes. `finish`, run once every
 * write landed, makes the links; a leader that failed, or a link the destination refuses (warned once per kind),
 * makes the name a copy instead.
 */
import type { DirEntry, EntryMeta } from "../../domain/entry.ts";
import { lossKind } from "../../domain/fidelity.ts";
import { HardLinkTable } from "../../domain/hard-links.ts";
import type { DirectoryPlan } from "../../domain/plan.ts";
import { joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { HardLinks, LinkResult } from "../../ports/store-capabilities.ts";
import type { RunStats } from "./run-stats.ts";

/** What the links need of the walk that owns them. */
export interface LinkHost {
  readonly dst: HardLinks;
  readonly stats: RunStats;
  readonly signal: AbortSignal;
  /** Writes `path` as a copy of its source (its leader failed, or the destination refused the link). */
  enqueue(path: RelPath, meta: EntryMeta): Promise<void>;
  /** `path` became a link: counted, reported and its directory's mtime restored, as for a write. */
  linked(path: RelPath, meta: EntryMeta): void;
}

/** Links made per call to the store. */
const LINK_BATCH = 256;

interface PendingLink {
  readonly path: RelPath;
  readonly to: RelPath;
  readonly meta: EntryMeta;
  /** The planner had it up to date (skip): no copy is needed when the link cannot be made. */
  readonly upToDate: boolean;
}

export class HardLinkOps {
  private readonly table = new HardLinkTable();
  private readonly pending: PendingLink[] = [];
  private readonly failedLeaders = new Set<RelPath>();

  constructor(private readonly host: LinkHost) {}

  /**
   * `plan` of directory `dir` without the names that become links (from `send`, `hashCheck` and `fixMeta`; `skip`
   * keeps them, it only counts). Names the destination already has up to date are met first, so they lead.
   */
  take(dir: RelPath, plan: DirectoryPlan): DirectoryPlan {
    const links = new Set<string>();
    const meet = (e: DirEntry, upToDate: boolean) => {
      if (e.meta.inode === undefined || e.meta.kind === "dir") return;
      const path = joinRel(dir, e.name);
      const d = this.table.decide({ path, kind: e.meta.kind, inode: e.meta.inode });
      if (d.action === "write") return;
      links.add(e.name);
      this.pending.push({ path, to: d.to, meta: e.meta, upToDate });
    };
    for (const e of plan.skip) meet(e, true);
    for (const e of plan.hashCheck) meet(e, false);
    for (const e of plan.send) meet(e, false);
    if (links.size === 0) return plan;
    const keep = (e: DirEntry) => !links.has(e.name);
    return { ...plan, send: plan.send.filter(keep), hashCheck: plan.hashCheck.filter(keep), fixMeta: plan.fixMeta.filter(keep) };
  }

  /** A write of `path` failed: names linked to it are written as copies instead. */
  failed(path: RelPath): void {
    this.failedLeaders.add(path);
  }

  /** Makes the links decided so far (every leader has landed); copies where that is not possible. */
  async finish(): Promise<void> {
    const all = this.pending.splice(0);
    for (let i = 0; i < all.length; i += LINK_BATCH) {
      const part = all.slice(i, i + LINK_BATCH);
      const linkable = part.filter((p) => !this.failedLeaders.has(p.to));
      for (const p of part) if (this.failedLeaders.has(p.to) && !p.upToDate) await this.host.enqueue(p.path, p.meta);
      if (linkable.length === 0) continue;
      const results = await this.host.dst.link(linkable, this.host.signal);
      for (const [j, r] of results.entries()) await this.settle(linkable[j]!, r);
    }
  }

  // --- internal ---

  private async settle(p: PendingLink, r: LinkResult): Promise<void> {
    const { stats } = this.host;
    if (r.error !== undefined) {
      if (lossKind(r.error) === null) return stats.fail(p.path, r.error);
      stats.lost([r.error]);
      if (!p.upToDate) await this.host.enqueue(p.path, p.meta);
      return;
    }
    if (r.already === true) {
      if (!p.upToDate) stats.skipped++;
      return;
    }
    if (p.upToDate) stats.skipped--;
    stats.plannedFiles++;
    this.host.linked(p.path, p.meta);
  }
}
