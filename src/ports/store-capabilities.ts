/**
 * Optional capabilities of a Store (ports/store.ts): fast paths and progress. A store offers one
 * by having its members; callers check with `offers<C>(store, ...members)` (domain/capability.ts)
 * and fall back to the Store's own members when it is not there.
 */
import type { BlitError } from "../domain/errors.ts";
import type { EntryMeta } from "../domain/entry.ts";
import type { PlanOptions } from "../domain/plan.ts";
import type { RelPath } from "../domain/rel-path.ts";
import type { DirectoryPass, DirectoryPassRequest } from "./directory-pass.ts";
import type { OpResult, Store } from "./store.ts";

/**
 * One file of {@link WholeReads.readWhole}: its bytes, its error, or null when it was too large. A
 * `release` hands the bytes' memory back to the store once the caller copied or sent them.
 */
export type WholeRead = { readonly bytes: Uint8Array; readonly release?: () => void; readonly changed?: boolean } | { readonly error: BlitError } | null;

/** Many small files read together. */
export interface WholeReads {
  /**
   * Each file of `paths` whole, in order, read together (one job, one buffer, or one need list);
   * `null` for a file larger than `maxBytes` (read it with `read`), the error for one that could
   * not be read. A store that learns a file's size only from its bytes (a network peer) fails one
   * past `maxBytes` with CORRUPT_DATA instead. Never follows a final symlink.
   */
  readWhole(paths: readonly RelPath[], maxBytes: number, signal?: AbortSignal): Promise<WholeRead[]>;
}

/**
 * A regular file opened for reading by descriptor, for a transport that sends straight from it
 * (Channel.sendFile). Reads use explicit offsets; disposing closes the descriptor.
 */
export interface OpenFile extends AsyncDisposable {
  readonly fd: number;
  /** Size when it was opened. */
  readonly size: number;
  /** Its bytes from `offset`, as `Store.read` gives them; the descriptor stays this file's. */
  stream(offset: number): ReadableStream<Uint8Array>;
  /**
   * True when the file changed since it was opened (size, mtime or ctime differ now): what was
   * read may mix two versions.
   */
  changed(): boolean;
  /**
   * The file's data extents in order, when it may have holes (fewer blocks allocated than its size), found as they
   * are iterated; null for a dense file. A sender sends only these (the rest reads as zeros).
   */
  extents?(): Iterable<{ readonly offset: number; readonly length: number }> | null;
}

/** Files handed out by descriptor, for a zero-copy send. */
export interface OpenFiles {
  /**
   * Opens file `path` for a zero-copy send. Null when this store cannot hand out a descriptor for
   * it (not a regular file); the caller then uses `read`. Same containment and errors as `read`.
   */
  openFile(path: RelPath): Promise<OpenFile | null>;
}

/**
 * A file being written (a temporary) that a source may put bytes into directly
 * ({@link ReadsInto.readInto}): by descriptor (Channel.receiveFile) or through `write`.
 */
export interface FileTarget {
  readonly fd: number;
  /** Writes `bytes` at `offset` now (synchronously); throws BlitError (NO_SPACE, CANCELLED…). */
  write(bytes: Uint8Array, offset: number): void;
  /** Counts `bytes` that were written into `fd` directly (progress). */
  landed(bytes: number): void;
  /** Sets the file's size to `size` (a file that ends in a hole); throws BlitError as `write`. */
  setSize(size: number): void;
}

/** Files whose bytes the store puts into a target itself (from a connection, zero-copy). */
export interface ReadsInto {
  /**
   * Puts file `path`'s bytes into `target` at their offsets instead of handing them out as a
   * stream, and resolves at the file's end with the bytes written (of them, those written
   * zero-copy). Errors as reading `read`'s stream, plus what `target.write` throws. It settles
   * only when nothing writes into `target.fd` any more.
   */
  readInto(path: RelPath, target: FileTarget, signal?: AbortSignal): Promise<{ readonly bytes: number; readonly zeroCopyBytes: number }>;
}

/** A store whose files come from a peer, which can tell that one changed while it was read there. */
export interface SourceChanges {
  /** True when file `path`, read through this store and complete, changed on the peer while it was read. */
  sourceChanged(path: RelPath): boolean;
}

/** Live progress inside large files. */
export interface WriteProgress {
  /** Bytes written so far by this store's writes, counting files still being copied (monotonic). */
  copiedBytes(): number;
}

/** Block hashes, for --resume between stores. */
export interface BlockHashes {
  /** The SHA-256 of each RESUME_BLOCK_BYTES block of file `path` (the last block shorter); empty when there is no such file. */
  blockHashes(path: RelPath, signal?: AbortSignal): Promise<Uint8Array[]>;
}

/** Planning next to the data: one round trip per directory instead of one per entry. */
export interface DirectoryPasses {
  /**
   * Lists `req.dir` at both ends, plans it and writes a bounded first share of what it sends.
   * Returns null when it cannot serve this request (another kind of source, a filter); the engine
   * then lists, plans and writes itself. Semantics are exactly those of list + plan + write.
   */
  passDirectory(req: DirectoryPassRequest, signal?: AbortSignal): Promise<DirectoryPass | null>;
  /** True when passDirectory serves requests from `source` with `plan` (it returns null exactly when this is false). */
  passesFrom(source: Store, plan: PlanOptions): boolean;
}

/** One run per destination (SPEC §3). */
export interface DestinationClaims {
  /**
   * Reserves directory `path` for one run's writes until the returned handle is disposed.
   * `exclusive` (a tree is written into `path`): no other run may hold `path`, a directory inside
   * it or one above it. Not exclusive (one file is written in `path`): other single-file runs may
   * share it, tree runs around it may not. Throws BUSY naming the destination when another run
   * (any process on this machine) holds what it needs.
   */
  claimDestination(path: RelPath, exclusive: boolean): Promise<AsyncDisposable>;
}

/** One entry to copy from another store: as WriteOp, its file's bytes being the source's `from`. */
export interface CopyOp {
  readonly path: RelPath;
  readonly meta: EntryMeta;
  /** The file's path in the source store (files only). */
  readonly from?: RelPath;
  /** Keep the blocks of an existing destination file that equal the source's. */
  readonly resume?: boolean;
}

/** Copies from another store of the same kind without handing bytes through the caller (copy_file_range, reflink). */
export interface DirectCopies {
  /** True when `copyFrom(source, …)` can copy from `source` directly. */
  copiesFrom(source: Store): boolean;
  /** As `write`, each file's bytes taken straight from `source` at `op.from`; one result per op, in order. */
  copyFrom(source: Store, ops: readonly CopyOp[], signal?: AbortSignal): Promise<OpResult[]>;
}

/**
 * One snapshot step between two paths of one store (--link-dest, --backup-dir):
 * - `link`: `to` becomes a hard link of the file at `from`, atomically (a link under a temporary
 *   name renamed into place, so what was at `to` stays whole until then);
 * - `keep-aside`: a hard link of the entry at `from` is put at `to` (what is written over `from`
 *   next stays readable there);
 * - `move-aside`: the entry at `from` is renamed to `to` (a deletion that keeps it).
 * Aside steps create the missing directories above `to`, replace an entry already at `to`, and
 * succeed doing nothing when nothing is at `from`. Where `to` is on another filesystem than `from`
 * an aside step copies the entry (with its metadata, made durable) and move-aside then removes
 * `from`; a copy that fails leaves `from` in place. A link step there fails UNSUPPORTED.
 */
export interface SnapshotStep {
  readonly how: "link" | "keep-aside" | "move-aside";
  readonly from: RelPath;
  readonly to: RelPath;
}

/** Links and moves inside the store, for snapshots; a contained store keeps both paths inside its root. */
export interface SnapshotSteps {
  /** Carries out `steps` in order; one result per step (its path: the step's `to`). */
  snapshot(steps: readonly SnapshotStep[]): Promise<OpResult[]>;
}

/** One hard link to make: `path` becomes another name of `to`'s inode (both in this store; `to` already landed). */
export interface LinkOp {
  readonly path: RelPath;
  readonly to: RelPath;
}

/** What {@link HardLinks.link} did with one op: `already` when `path` was a name of that inode before. */
export type LinkResult = OpResult & { readonly already?: boolean };

/** Hard links at the destination (rsync -H): names of one source inode recreated as names of one inode. */
export interface HardLinks {
  /**
   * Makes each `path` a hard link of its `to`, replacing what is at `path` atomically; one result per op, in
   * order. Where the destination refuses another link (a link count at its limit, no hard links) the result's
   * error is UNSUPPORTED with `details.kind` "hard-links": the caller writes a copy instead and warns once.
   */
  link(ops: readonly LinkOp[], signal?: AbortSignal): Promise<LinkResult[]>;
}
