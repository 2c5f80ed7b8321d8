/**
 * Hard links within a transferred set (rsync -H): source entries that share one inode are written once, and the
 * others become hard links to that first copy at the destination. Only names inside the set count: a name of the
 * same inode outside the set (filtered out, or outside the source root) is neither written nor linked.
 *
 * An entry can share its inode when it is not a directory and its link count is above 1; the inode is told by
 * (dev, ino) on the side that listed it. The first member met leads its group (its bytes are written); streaming
 * walks therefore pick the leader by walk order, as rsync picks the first name of its sorted list.
 */
import type { EntryKind } from "./entry.ts";
import type { RelPath } from "./rel-path.ts";

/** The inode behind an entry on the side that listed it: its device, inode number and link count. */
export interface InodeId {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly nlink: number;
}

/** What to do with one entry of the set: write its bytes, or make it a hard link to the leader `to`. */
export type LinkDecision = { readonly action: "write" } | { readonly action: "link"; readonly to: RelPath };

/** One inode's names within the set: `leader` is written, each of `links` becomes a hard link to it. */
export interface HardLinkGroup {
  readonly leader: RelPath;
  readonly links: readonly RelPath[];
}

/** A member of a set as {@link groupHardLinks} and {@link HardLinkTable.decide} take it. */
export interface LinkCandidate {
  readonly path: RelPath;
  readonly kind: EntryKind;
  /** Absent where the listing side does not report inodes (then the entry is always written). */
  readonly inode?: InodeId;
}

/** True when `kind` and `inode` say the entry may share its inode with another name (a non-directory, nlink > 1). */
export const mayShareInode = (kind: EntryKind, inode: InodeId | undefined): inode is InodeId =>
  inode !== undefined && inode.nlink > 1 && (kind === "file" || kind === "symlink");

const WRITE: LinkDecision = { action: "write" };

/**
 * Decides, entry by entry as a walk meets them, which are written and which become hard links. It remembers only
 * inodes with names still to come: a group is forgotten once all `nlink` names were met, so memory stays bounded by
 * the linked inodes whose other names lie ahead (or outside the set).
 */
export class HardLinkTable {
  private readonly groups = new Map<string, { leader: RelPath | null; seen: number }>();

  /**
   * Write or link for `candidate`, met for the first time. Call it for every member of the set, including those the
   * compare skips as up to date (a skipped leader is still the link target). Deciding the same path twice counts it
   * twice: callers pass each path once.
   */
  decide(candidate: LinkCandidate): LinkDecision {
    const { inode } = candidate;
    if (!mayShareInode(candidate.kind, inode)) return WRITE;
    const key = inodeKey(inode);
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, { leader: candidate.path, seen: 1 });
      return WRITE;
    }
    group.seen++;
    if (group.seen >= inode.nlink) this.groups.delete(key);
    if (group.leader === null) {
      group.leader = candidate.path;
      return WRITE;
    }
    return { action: "link", to: group.leader };
  }

  /**
   * The leader `path` of `inode` could not be written: the next member met leads instead (its bytes are written).
   * Links already decided to `path` are the caller's to fail or write. Nothing happens when `path` does not lead.
   */
  failed(path: RelPath, inode: InodeId): void {
    const group = this.groups.get(inodeKey(inode));
    if (group !== undefined && group.leader === path) group.leader = null;
  }

  /** How many inodes the table remembers (those with names still to come). */
  get tracked(): number {
    return this.groups.size;
  }
}

/**
 * The groups of a whole set, in the order their leaders appear (the first member of each inode leads); an inode
 * with one name in the set forms no group.
 */
export function groupHardLinks(candidates: Iterable<LinkCandidate>): HardLinkGroup[] {
  const byInode = new Map<string, { leader: RelPath; links: RelPath[] }>();
  for (const c of candidates) {
    if (!mayShareInode(c.kind, c.inode)) continue;
    const key = inodeKey(c.inode);
    const group = byInode.get(key);
    if (group === undefined) byInode.set(key, { leader: c.path, links: [] });
    else group.links.push(c.path);
  }
  return [...byInode.values()].filter((g) => g.links.length > 0);
}

/**
 * True when the destination already has `link` as a hard link of `leader` (same device and inode there): the link
 * needs nothing. Either side missing, or listed without inodes, answers false (the link is made again).
 */
export const alreadyLinked = (leader: InodeId | undefined, link: InodeId | undefined): boolean =>
  leader !== undefined && link !== undefined && leader.dev === link.dev && leader.ino === link.ino;

// --- internal ---

const inodeKey = (inode: InodeId): string => `${inode.dev}:${inode.ino}`;
