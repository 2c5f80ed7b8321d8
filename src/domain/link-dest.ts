import { attributesDiffer, compareEntry } from "./compare.ts";
import type { EntryMeta } from "./entry.ts";
import type { PlanOptions } from "./plan.ts";

/**
 * What --link-dest makes of a file about to be sent, given the entry of the same path in a
 * link-dest tree (null: none there): `link` when that copy is unchanged by the run's compare mode
 * and has the same attributes (mode, mtime, owner when kept), so the new tree can share its inode;
 * `hash` when only equal content hashes would prove it (-c); otherwise `copy`. Only regular files
 * are linked; --ignore-times links nothing (every file is sent).
 */
export function linkDecision(src: EntryMeta, candidate: EntryMeta | null, options: PlanOptions): "link" | "hash" | "copy" {
  if (candidate === null || src.kind !== "file" || candidate.kind !== "file") return "copy";
  const decision = compareEntry(src, candidate, { ...options, ignoreExisting: false });
  if (decision === "send" || attributesDiffer(src, candidate, options)) return "copy";
  return decision === "skip" ? "link" : "hash";
}
