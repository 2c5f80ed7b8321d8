/**
 * Giving a written entry the extended attributes and ACLs of its source (EntryMeta.xattrs), and carrying what a
 * destination could not hold back to the engine as plain objects (they cross from worker threads): one per kind and
 * entry, which the engine turns into one warning per kind for the run (LossesOncePerKind).
 */
import type { EntryMeta } from "../../domain/entry.ts";
import { fidelityLoss, lossKind, type FidelityKind } from "../../domain/fidelity.ts";
import type { BlitError } from "../../domain/errors.ts";
import { hasDefaultAcl, writeXattrs, type XattrEntry } from "./xattrs.ts";

/** What an entry lost (an UNSUPPORTED BlitError as a plain object). */
export interface LossItem {
  readonly kind: FidelityKind;
  readonly message: string;
  readonly path: string;
}

/**
 * Makes the attributes of `entry` (a descriptor, or an absolute path whose final symlink is not followed) those of
 * `meta`; nothing when `meta` carries none (the side that listed it does not read them). `fresh`: `entry` was just
 * created at `shown`, so it holds no kept attribute unless its directory has a default ACL, and an empty list needs no
 * call. Returns what the destination could not hold, or undefined when it held everything. Throws BlitError on other
 * failures.
 */
export function keepXattrs(entry: XattrEntry, meta: EntryMeta, shown: string, fresh = false): LossItem[] | undefined {
  if (meta.xattrs === undefined || meta.kind === "symlink") return undefined;
  if (fresh && meta.xattrs.length === 0 && !parentHasDefaultAcl(shown)) return undefined;
  const lost = writeXattrs(entry, meta.xattrs, shown);
  return lost.length === 0 ? undefined : lost.map(toLossItem);
}

/**
 * Forgets which directories have a default ACL (call at the start of each write job: within one job a directory's
 * ACLs do not change, since blit sets them after the directory's contents).
 */
export function newWriteJob(): void {
  lastDir = null;
}

/** A loss as the Store reports it (OpResult.losses). */
export const fromLossItem = (l: LossItem): BlitError => fidelityLoss(l.kind, l.message, { path: l.path });

/** An UNSUPPORTED BlitError (of a fidelity kind) as a plain object. */
export function toLossItem(e: BlitError): LossItem {
  return { kind: lossKind(e) ?? "xattrs", message: e.message, path: String(e.details.path ?? "") };
}

// --- internal ---

let lastDir: { readonly path: string; readonly acl: boolean } | null = null;

/**
 * True when the directory holding `path` has a default ACL (then a new file there inherits an access ACL the source
 * may lack); remembered for the last directory asked within a job, since files come in batches per directory.
 */
function parentHasDefaultAcl(path: string): boolean {
  const dir = path.slice(0, Math.max(path.lastIndexOf("/"), 1));
  // `dir/.`: the directory itself even when `dir` is a /proc/self/fd/N link (beneath.ts), which l-calls do not follow.
  if (lastDir?.path !== dir) lastDir = { path: dir, acl: hasDefaultAcl(`${dir}/.`) };
  return lastDir.acl;
}
