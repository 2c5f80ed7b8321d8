import type { Xattr } from "./fidelity.ts";
import type { InodeId } from "./hard-links.ts";
import type { RelPath } from "./rel-path.ts";

/** What an entry is. `special` covers FIFOs, sockets and devices: never transferred. */
export type EntryKind = "file" | "dir" | "symlink" | "special";

/**
 * Metadata of one tree entry as every side sees it (local disk, daemon, wire).
 * `mtimeNs` is nanoseconds since the epoch; `mode` holds the permission bits (0o7777 mask).
 */
export interface EntryMeta {
  readonly kind: EntryKind;
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Symlink target text, exactly as stored (names-as-bytes encoding of rel-path.ts). */
  readonly linkTarget?: string;
  /**
   * The kept extended attributes and ACLs (fidelity.ts), sorted by name: empty when it has none, absent when the
   * side that listed it does not read them (then they are neither compared nor changed).
   */
  readonly xattrs?: readonly Xattr[];
  /** The inode behind a non-directory with more than one name (hard links), on the side that listed it. */
  readonly inode?: InodeId;
  /** 512-byte blocks allocated, set only for a file with fewer bytes allocated than its size (it may have holes). */
  readonly blocks?: number;
}

/** A named entry of a directory listing. */
export interface DirEntry {
  readonly name: string;
  readonly meta: EntryMeta;
}

/** An entry with its path relative to a transfer root. */
export interface Entry extends EntryMeta {
  readonly path: RelPath;
}

/** `T` with its readonly fields writable: a value being built field by field before it is handed on. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const NS_PER_SEC = 1_000_000_000n;
