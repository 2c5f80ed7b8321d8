/**
 * What a destination may be unable to keep of a source entry beyond its bytes, mode and times, and the rule that a
 * run says so once per kind, never silently: adapters answer a loss with BlitError UNSUPPORTED carrying
 * `details.kind`, and the engine turns the first loss of each kind into one warning.
 */
import { BlitError, isBlitError } from "./errors.ts";

/**
 * One extended attribute of an entry: its name (the lossless names-as-bytes string of rel-path.ts) and value. An ACL
 * is the attribute {@link ACL_ACCESS} or {@link ACL_DEFAULT}, kept as its raw value (numeric ids).
 */
export type Xattr = readonly [name: string, value: Uint8Array];

/** The attributes of an entry that has none: one shared frozen list, so listings allocate nothing for them. */
export const NO_XATTRS: readonly Xattr[] = Object.freeze([]);

/** The attribute names of a POSIX ACL (rsync -A): the access ACL and a directory's default ACL. */
export const ACL_ACCESS = "system.posix_acl_access";
export const ACL_DEFAULT = "system.posix_acl_default";

/** The kind an attribute name counts as: the two ACL names are "acls", every other name "xattrs". */
export const attributeKind = (name: string): "xattrs" | "acls" => (name === ACL_ACCESS || name === ACL_DEFAULT ? "acls" : "xattrs");

/** True when two attribute lists, each sorted by name, are equal (names and value bytes). */
export function sameXattrs(a: readonly Xattr[], b: readonly Xattr[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x[0] !== y[0] || !sameBytes(x[1], y[1])) return false;
  }
  return true;
}

/**
 * True when blit keeps attribute `name`: `user.*` and the two ACL names always; `trusted.*` and `security.*` only
 * when `privileged` (root), since only root may read or write them.
 */
export const keptAttribute = (name: string, privileged: boolean): boolean =>
  name.startsWith("user.") || attributeKind(name) === "acls" || (privileged && (name.startsWith("trusted.") || name.startsWith("security.")));

/** True when the attributes of `kind` in two lists, each sorted by name, are equal (the others are not looked at). */
export function sameAttributesOfKind(a: readonly Xattr[], b: readonly Xattr[], kind: "xattrs" | "acls"): boolean {
  const pick = (list: readonly Xattr[]) => list.filter(([name]) => attributeKind(name) === kind);
  return sameXattrs(pick(a), pick(b));
}

/** Extended attributes, POSIX ACLs, hard links (a link count or filesystem that refuses another link). */
export type FidelityKind = "xattrs" | "acls" | "hard-links";

export const FIDELITY_KINDS: readonly FidelityKind[] = ["xattrs", "acls", "hard-links"];

/** What each kind is called in a warning. */
export const FIDELITY_KIND_TEXT: Readonly<Record<FidelityKind, string>> = {
  xattrs: "extended attributes",
  acls: "POSIX ACLs",
  "hard-links": "hard links",
};

/** An UNSUPPORTED loss of `kind` at `path` (the adapter's message says what and why). */
export const fidelityLoss = (kind: FidelityKind, message: string, details: Readonly<Record<string, string | number>> = {}): BlitError =>
  new BlitError("UNSUPPORTED", message, { ...details, kind });

/** The kind of an UNSUPPORTED loss, or null for any other error. */
export function lossKind(e: unknown): FidelityKind | null {
  if (!isBlitError(e) || e.code !== "UNSUPPORTED") return null;
  const kind = e.details.kind;
  return FIDELITY_KINDS.find((k) => k === kind) ?? null;
}

/**
 * One warning per kind for a run: `note(e)` answers the warning text for the first loss of its kind and null for the
 * later ones (and for errors that are not losses), while counting every loss per kind for the summary.
 */
export class LossesOncePerKind {
  private readonly counts = new Map<FidelityKind, number>();

  note(e: unknown): string | null {
    const kind = lossKind(e);
    if (kind === null) return null;
    const seen = this.counts.get(kind) ?? 0;
    this.counts.set(kind, seen + 1);
    return seen === 0 ? `${(e as BlitError).message} (further losses of ${FIDELITY_KIND_TEXT[kind]} are not reported one by one)` : null;
  }

  /** How many entries lost each kind so far. */
  get totals(): Readonly<Partial<Record<FidelityKind, number>>> {
    return Object.fromEntries(this.counts);
  }
}

// --- internal ---

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
