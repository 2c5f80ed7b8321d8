import type { DirectoryPlan, PlanOptions } from "../domain/plan.ts";
import type { DirEntry } from "../domain/entry.ts";
import type { RelPath } from "../domain/rel-path.ts";

/**
 * Decides, one directory at a time, what a transfer does: which source entries to send, which to
 * skip, which destination entries a mirror deletes. Pure and synchronous so the engine can stream.
 */
export interface Planner {
  planDirectory(
    dir: RelPath,
    source: readonly DirEntry[],
    dest: readonly DirEntry[] | null,
    options: PlanOptions,
  ): DirectoryPlan;
}
