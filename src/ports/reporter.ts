import type { ItemChange } from "../domain/itemize.ts";
import type { ProgressSnapshot } from "../domain/summary.ts";

/**
 * What happened to one entry (a -v line): `copy`/`symlink` written, `mkdir` created, `attrs` only
 * mode/mtime/owner set, `delete` deleted by a mirror, `remove` a move's source entry removed.
 */
export type ItemAction = "copy" | "delete" | "mkdir" | "symlink" | "attrs" | "remove" | "link";

/** Receives what a running transfer wants people (or a JSON stream) to see. */
export interface Reporter {
  /** A live progress snapshot; called at most a few times a second. */
  progress(snapshot: ProgressSnapshot): void;
  /** One line per entry changed, deleted or removed (shown with -v and in a dry run); `change`:
   * rsync's -i view of it (none for a move's source removal). */
  item(action: ItemAction, path: string, change?: ItemChange): void;
  /** A warning the user should see once (skipped special file, fallback...). */
  warn(message: string): void;
}
