import type { EntryMeta } from "./entry.ts";
import { sameAttributesOfKind, sameXattrs } from "./fidelity.ts";
import type { CompareMode } from "./plan.ts";

/** What the planner does with one source file or symlink. `hash`: compare content hashes first. */
export type CompareDecision = "send" | "skip" | "hash";

/** The compare settings of a transfer (a subset of PlanOptions). */
export interface CompareOptions {
  readonly compare: CompareMode;
  /** Never touch a destination entry that already exists. */
  readonly ignoreExisting: boolean;
  /** mtime granularity in ns (see {@link mtimeGranularity}). */
  readonly mtimeGranularityNs: bigint;
}

/** Granularity used when only one side keeps nanoseconds: microseconds. */
export const COARSE_MTIME_GRANULARITY_NS = 1000n;

/**
 * Decides whether a source file or symlink must be written over `dst` (SPEC §3 "Compare").
 *
 * In order: no destination → send; `ignoreExisting` → skip; a different kind → send (the entry is
 * replaced); symlinks → skip when the target text is equal, else send (their mode and mtime are not
 * compared); files → by mode: `ignore-times` sends, `size-only` skips on equal size, `quick` skips
 * on equal size and equal mtime at the granularity, `checksum` sends on a size difference and
 * otherwise answers `hash` (the engine hashes both sides and sends when they differ).
 * Directories and specials of the same kind answer skip: they are never written by content.
 */
export function compareEntry(src: EntryMeta, dst: EntryMeta | null, options: CompareOptions): CompareDecision {
  if (dst === null) return "send";
  if (options.ignoreExisting) return "skip";
  if (src.kind !== dst.kind) return "send";
  if (src.kind === "symlink") return src.linkTarget === dst.linkTarget ? "skip" : "send";
  if (src.kind !== "file") return "skip";
  switch (options.compare) {
    case "ignore-times":
      return "send";
    case "size-only":
      return src.size === dst.size ? "skip" : "send";
    case "quick":
      return src.size === dst.size && sameMtime(src.mtimeNs, dst.mtimeNs, options.mtimeGranularityNs)
        ? "skip"
        : "send";
    case "checksum":
      return src.size === dst.size ? "hash" : "send";
  }
}

/** The attribute settings of a comparison (a subset of PlanOptions). */
export interface AttributeOptions {
  /** Owner and group are compared (the destination keeps owners). */
  readonly owners: boolean;
  readonly mtimeGranularityNs: bigint;
}

/** What else differs of an entry whose content is kept: the first of these, in this order, that does. */
export type AttributeDifference = "mode" | "mtime" | "xattrs" | "acls" | "owner";

/**
 * True when a destination file whose content is kept (skipped, or equal by hash) still needs its
 * attributes set as rsync -aAX does ({@link attributeDifference} is not null). Only files: symlinks keep no mode or
 * mtime of interest, directories are finished separately.
 */
export const attributesDiffer = (src: EntryMeta, dst: EntryMeta, options: AttributeOptions): boolean =>
  src.kind === "file" && attributeDifference(src, dst, options) !== null;

/**
 * The first attribute that differs between two files or two directories of the same kind, or null: the mode bits
 * (07777), the mtime at the granularity (files only: a directory's mtime follows its entries, compared one by one),
 * the extended attributes other than ACLs, the ACLs (compared only when both sides read attributes), and, when
 * `owners`, owner or group. Other kinds and a change of kind answer null.
 */
export function attributeDifference(src: EntryMeta, dst: EntryMeta, options: AttributeOptions): AttributeDifference | null {
  if (src.kind !== dst.kind || (src.kind !== "file" && src.kind !== "dir")) return null;
  if ((src.mode & 0o7777) !== (dst.mode & 0o7777)) return "mode";
  if (src.kind === "file" && !sameMtime(src.mtimeNs, dst.mtimeNs, options.mtimeGranularityNs)) return "mtime";
  // The whole lists first: equal ones (the usual case, on every kept file of a no-op run) are not split by kind.
  const [a, b] = [src.xattrs, dst.xattrs];
  if (a !== undefined && b !== undefined && !sameXattrs(a, b)) return sameAttributesOfKind(a, b, "xattrs") ? "acls" : "xattrs";
  return options.owners && (src.uid !== dst.uid || src.gid !== dst.gid) ? "owner" : null;
}

/**
 * True when both sides read extended attributes and ACLs and they differ (an attribute update, never a resend).
 * A side that does not read them (`xattrs` absent) never makes a difference.
 */
export const xattrsDiffer = (src: EntryMeta, dst: EntryMeta): boolean =>
  src.xattrs !== undefined && dst.xattrs !== undefined && !sameXattrs(src.xattrs, dst.xattrs);

/**
 * The mtime granularity two sides share: 1 ns when both keep nanoseconds, otherwise microseconds
 * ({@link COARSE_MTIME_GRANULARITY_NS}).
 */
export const mtimeGranularity = (aKeepsNs: boolean, bKeepsNs: boolean): bigint =>
  aKeepsNs && bKeepsNs ? 1n : COARSE_MTIME_GRANULARITY_NS;

/**
 * True when two mtimes (ns since the epoch) are equal once both are rounded down to a multiple of
 * `granularityNs` (a granularity below 1 counts as 1). Rounds toward minus infinity, so times
 * before 1970 compare correctly too.
 */
export function sameMtime(a: bigint, b: bigint, granularityNs: bigint): boolean {
  if (a === b) return true;
  if (granularityNs <= 1n) return false;
  return floorDiv(a, granularityNs) === floorDiv(b, granularityNs);
}

// --- internal ---

function floorDiv(a: bigint, g: bigint): bigint {
  const q = a / g;
  return a % g < 0n ? q - 1n : q;
}
