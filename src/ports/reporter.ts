import type { ProgressSnapshot } from "../domain/summary.ts";

/** Receives what a running transfer wants people (or a JSON stream) to see. */
export interface Reporter {
  /** A live progress snapshot; called at most a few times a second. */
  progress(snapshot: ProgressSnapshot): void;
  /** One line per entry changed or deleted (shown with -v); `attrs`: only mode/mtime/owner set. */
  item(action: "copy" | "delete" | "mkdir" | "symlink" | "attrs", path: string): void;
  /** A warning the user should see once (skipped special file, fallback...). */
  warn(message: string): void;
}
