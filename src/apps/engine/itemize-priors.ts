import type { DirEntry, EntryMeta } from "../../domain/entry.ts";
import { itemizeAttributes, itemizeDir, itemizeWrite, type ItemChange, type ItemizeOptions } from "../../domain/itemize.ts";
import type { PlanOptions } from "../../domain/plan.ts";
import { joinRel, type RelPath } from "../../domain/rel-path.ts";

/**
 * The destination entries a run writes over or adjusts, as they were before (the plan's
 * `prior`), kept by path until the change string for `-i` is made from them (domain/itemize.ts).
 */
export class ItemizePriors {
  private readonly priors = new Map<RelPath, EntryMeta>();
  private readonly options: ItemizeOptions;

  constructor(plan: PlanOptions) {
    this.options = { owners: plan.owners, mtimeGranularityNs: plan.mtimeGranularityNs, checksum: plan.compare === "checksum" };
  }

  remember(dir: RelPath, prior: readonly DirEntry[]): void {
    for (const e of prior) this.priors.set(joinRel(dir, e.name), e.meta);
  }

  /** `path` will not be itemized (unchanged after a checksum match, or its write failed). */
  forget(path: RelPath): void {
    this.priors.delete(path);
  }

  /** The change string of `meta` written at `path` (a file or link). */
  write(path: RelPath, meta: EntryMeta): ItemChange {
    return itemizeWrite(meta, this.take(path), this.options);
  }

  /** The change string of attributes set on `path`. */
  attributes(path: RelPath, meta: EntryMeta): ItemChange {
    return itemizeAttributes(meta, this.take(path), this.options);
  }

  /** The change string of directory `meta`, over `old` (null: a new directory). */
  dir(meta: EntryMeta, old: EntryMeta | null): ItemChange {
    return itemizeDir(meta, old, this.options);
  }

  private take(path: RelPath): EntryMeta | null {
    const meta = this.priors.get(path);
    if (meta === undefined) return null;
    this.priors.delete(path);
    return meta;
  }
}
