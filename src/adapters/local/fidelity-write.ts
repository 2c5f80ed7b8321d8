/**
 * Giving a written entry the extended attributes and ACLs of its source (EntryMeta.xattrs), and carrying what a
 * destination could not hold back to the engine as plain objects (they cross from worker threads): one per kind and
 * entry, which the engine turns into one warning per kind for the run (LossesOncePerKind).
 */
import type { EntryMeta } from "../../domain/entry.ts";
import { fidelityLoss, lossKind, type FidelityKind } from "../../domain/fidelity.ts";
import type { BlitError } from "../../domain/errors.ts";
import { writeXattrs, type XattrEntry } from "./xattrs.ts";

/** What an entry lost (an UNSUPPORTED BlitError as a plain object). */
export interface LossItem {
  readonly kind: FidelityKind;
  readonly message: string;
  readonly path: string;
}

/**
 * Makes the attributes of `entry` (a descriptor, or an absolute path whose final symlink is not followed) those of
 * `meta`; nothing when `meta` carries none (the side that listed it does not read them). Returns what the destination
 * could not hold, or undefined when it held everything. Throws BlitError on other failures.
 */
export function keepXattrs(entry: XattrEntry, meta: EntryMeta, shown: string): LossItem[] | undefined {
  if (meta.xattrs === undefined || meta.kind === "symlink") return undefined;
  const lost = writeXattrs(entry, meta.xattrs, shown);
  return lost.length === 0 ? undefined : lost.map(toLossItem);
}

/** A loss as the Store reports it (OpResult.losses). */
export const fromLossItem = (l: LossItem): BlitError => fidelityLoss(l.kind, l.message, { path: l.path });

/** An UNSUPPORTED BlitError (of a fidelity kind) as a plain object. */
export function toLossItem(e: BlitError): LossItem {
  return { kind: lossKind(e) ?? "xattrs", message: e.message, path: String(e.details.path ?? "") };
}
