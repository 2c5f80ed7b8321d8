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
  defaultAcl.clear();
}

/** A loss as the Store reports it (OpResult.losses). */
export const fromLossItem = (l: LossItem): BlitError => fidelityLoss(l.kind, l.message, { path: l.path });

/** An UNSUPPORTED BlitError (of a fidelity kind) as a plain object. */
export function toLossItem(e: BlitError): LossItem {
  return { kind: lossKind(e) ?? "xattrs", message: e.message, path: String(e.details.path ?? "") };
}

// --- internal ---

/** Directory → whether it has a default ACL, for the current job (a batch mixes the files of several directories). */
const defaultAcl = new Map<string, boolean>();
/** Bounds the map within one job (a job of files spread over more directories asks some again). */
const KNOWN_DIRS = 256;

/**
 * True when the directory holding `path` has a default ACL (then a new file there inherits an access ACL the source
 * may lack); remembered per directory within a job.
 */
function parentHasDefaultAcl(path: string): boolean {
  const dir = path.slice(0, Math.max(path.lastIndexOf("/"), 1));
  let acl = defaultAcl.get(dir);
  if (acl === undefined) {
    if (defaultAcl.size >= KNOWN_DIRS) defaultAcl.clear();
    // `dir/.`: the directory itself even when `dir` is a /proc/self/fd/N link (beneath.ts), which l-calls do not follow.
    acl = hasDefaultAcl(`${dir}/.`);
    defaultAcl.set(dir, acl);
  }
  return acl;
}
