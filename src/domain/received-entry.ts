/**
 * What a daemon does to the entries a client sends before they land in a module (SPEC §5):
 * nothing a client sends becomes privilege.
 *
 * - Owners and set-id bits: outside `keep_owners = true` modules every entry belongs to the
 *   module root's owner and group, and loses the set-uid and set-gid bits (04000, 02000) and its
 *   `trusted.*`/`security.*` attributes, files and directories alike. The sticky bit (01000) is kept: it only restricts who may delete.
 * - Symlinks, in modules with `use_chroot = false` (which follow links): a link a client creates
 *   is stored with its target text behind {@link CLIENT_LINK_PREFIX}, so that following it leads
 *   nowhere (that directory does not exist: the daemon refuses to start while it does); the
 *   prefix is taken off again whenever the link is read, so clients see the target text they
 *   sent. Links the administrator placed carry no prefix and are followed. With `use_chroot =
 *   true` no link, a client's or not, leads out of the module, so links are stored as sent.
 */
import type { EntryMeta } from "./entry.ts";
import { keptAttribute } from "./fidelity.ts";

/** An owner and group, numeric. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** The set-uid and set-gid bits. */
export const SET_ID_BITS = 0o6000;

/** The directory client-made symlinks point into; the daemon refuses to serve while it exists. */
export const CLIENT_LINK_DIR = "/blit-munged";
export const CLIENT_LINK_PREFIX = `${CLIENT_LINK_DIR}/`;

/**
 * `meta` as a module that does not keep owners stores it: owned by `owner`, without set-id bits, and with only the
 * attributes any user may set (`user.*` and ACLs): `trusted.*` and `security.*` (file capabilities, security
 * labels) are privilege.
 */
export function ownedByModule(meta: EntryMeta, owner: Owner): EntryMeta {
  const xattrs = meta.xattrs?.filter(([name]) => keptAttribute(name, false));
  return { ...meta, uid: owner.uid, gid: owner.gid, mode: meta.mode & ~SET_ID_BITS, ...(xattrs === undefined ? {} : { xattrs }) };
}

/** The target text stored for a symlink a client sent. */
export const markClientLink = (target: string): string => CLIENT_LINK_PREFIX + target;

/** The target text a client sees for a stored symlink (a client-made link loses its prefix). */
export const unmarkClientLink = (target: string): string => (target.startsWith(CLIENT_LINK_PREFIX) ? target.slice(CLIENT_LINK_PREFIX.length) : target);

/** True when a stored target was made by a client. */
export const isClientLink = (target: string): boolean => target.startsWith(CLIENT_LINK_PREFIX);

/** `meta` with a stored symlink target shown as the client sent it. */
export function shownMeta(meta: EntryMeta): EntryMeta {
  return meta.linkTarget === undefined || !isClientLink(meta.linkTarget) ? meta : { ...meta, linkTarget: unmarkClientLink(meta.linkTarget) };
}

/** `meta` of an entry a client sent, as it is stored: owner and set-id bits per `owner` (null: its own), links marked with `markLinks`. */
export function storedMeta(meta: EntryMeta, owner: Owner | null, markLinks: boolean): EntryMeta {
  const m = owner === null ? meta : ownedByModule(meta, owner);
  return markLinks && m.kind === "symlink" ? { ...m, linkTarget: markClientLink(m.linkTarget ?? "") } : m;
}
