import type { BlitError } from "../domain/errors.ts";
import type { DirEntry } from "../domain/entry.ts";
import type { DirectoryPlan, PlanOptions } from "../domain/plan.ts";
import type { RelPath } from "../domain/rel-path.ts";
import type { DirListing, OpResult, Store } from "./store.ts";

/** What {@link DirectoryPasses.passDirectory} needs to plan one directory next to the data. */
export interface DirectoryPassRequest {
  readonly dir: RelPath;
  /** The source store; the pass is only possible when it is one the adapter can read directly. */
  readonly source: Store;
  readonly destExists: boolean;
  /** The destination directory is new and the pass creates it (the engine does not): a pass creates no
   * subdirectory, each new one is created by its own pass. */
  readonly create: boolean;
  /** Plan settings; the pass is only offered without a filter (filter.isEmpty). */
  readonly plan: PlanOptions;
  /** Plan only: write nothing, return every entry to send in `plan.send`. */
  readonly dryRun: boolean;
  readonly resume: boolean;
}

/** The outcome of a directory pass. */
export interface DirectoryPass {
  /** The source directory itself could not be listed (the scan is incomplete); nothing else is set. */
  readonly sourceError?: BlitError;
  /** The new destination directory (request.create) could not be created; nothing else is set. */
  readonly destError?: BlitError;
  /** Source entries whose metadata could not be read. */
  readonly sourceFailures: DirListing["failures"];
  /** The destination directory's entries that are directories (null: it does not exist). */
  readonly destDirs: readonly DirEntry[] | null;
  /** The plan, with `send` holding only what the pass left for the engine to write (names of an
   * inode with other names always), and `skip` holding only directories and names of an inode with
   * other names (the other skipped files and symlinks are counted in `skippedLeaves`). */
  readonly plan: DirectoryPlan;
  readonly skippedLeaves: number;
  /** Entries the pass already wrote, in the plan's order, each with its result. */
  readonly written: readonly { readonly entry: DirEntry; readonly result: OpResult }[];
}
