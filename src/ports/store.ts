import type { BlitError } from "../domain/errors.ts";
import type { DirEntry, EntryMeta } from "../domain/entry.ts";
import type { DirectoryPlan, PlanOptions } from "../domain/plan.ts";
import type { RelPath } from "../domain/rel-path.ts";

/** What a Store can keep; the engine compares and reports by these, never by adapter type. */
export interface StoreCapabilities {
  /** Keeps mtimes to the nanosecond (else compare at microseconds). */
  readonly nanosecondTimes: boolean;
  /** Can set owner and group (running as root). */
  readonly owners: boolean;
}

/**
 * One file of {@link Store.readWhole}: its bytes, its error, or null when it was too large. A
 * `release` hands the bytes' memory back to the store once the caller copied or sent them.
 */
export type WholeRead = { readonly bytes: Uint8Array; readonly release?: () => void; readonly changed?: boolean } | { readonly error: BlitError } | null;

/** One directory's entries. `failures` lists entries whose metadata could not be read. */
export interface DirListing {
  readonly entries: readonly DirEntry[];
  readonly failures: readonly { readonly name: string; readonly error: BlitError }[];
}

/** Where a file's bytes come from: a path in a (possibly other) Store. */
export interface FileSource {
  readonly store: Store;
  readonly path: RelPath;
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
}

/**
 * A file being written (a temporary) that a source may put bytes into directly
 * ({@link Store.readInto}): by descriptor (Channel.receiveFile) or through `write`.
 */
export interface FileTarget {
  readonly fd: number;
  /** Writes `bytes` at `offset` now (synchronously); throws BlitError (NO_SPACE, CANCELLED…). */
  write(bytes: Uint8Array, offset: number): void;
  /** Counts `bytes` that were written into `fd` directly (progress). */
  landed(bytes: number): void;
}

/**
 * Make one entry exist at `path` with `meta`. Files take their bytes from `source`.
 * Directories are created (mode/mtime are applied later by `setMeta`). A different kind
 * already at `path` is replaced.
 */
export interface WriteOp {
  readonly path: RelPath;
  readonly meta: EntryMeta;
  readonly source?: FileSource;
  /** Keep the blocks of an existing destination file that equal the source's (block hashes). */
  readonly resume?: boolean;
  /**
   * Already decided (--resume across stores): the first `resumeFrom` bytes are the existing
   * destination file's, and the source supplies the rest (`read(path, resumeFrom)`).
   */
  readonly resumeFrom?: number;
}

/** Outcome of one operation; `error` set when it failed (the others in the batch still ran). */
export interface OpResult {
  readonly path: RelPath;
  readonly bytes: number;
  readonly zeroCopyBytes: number;
  readonly error?: BlitError;
  /**
   * The source file changed while it was read: it landed without the source's mtime (so the next
   * run sends it again) and the run warns about it.
   */
  readonly sourceChanged?: boolean;
}

/** An existing directory or file whose mode, owner (when kept) and mtime are set to `meta`. */
export interface MetaUpdate {
  readonly path: RelPath;
  readonly meta: EntryMeta;
}

/** What {@link Store.passDirectory} needs to plan one directory next to the data. */
export interface DirectoryPassRequest {
  readonly dir: RelPath;
  /** The source store; the pass is only possible when it is one the adapter can read directly. */
  readonly source: Store;
  readonly destExists: boolean;
  /** Plan settings; the pass is only offered without a filter (filter.isEmpty). */
  readonly plan: PlanOptions;
  /** Plan only: write nothing, return every entry to send in `plan.send`. */
  readonly dryRun: boolean;
  readonly resume: boolean;
}

/** The outcome of a directory pass. */
export interface DirectoryPass {
  /** The source directory itself could not be listed (the scan is incomplete); nothing else is set. */
  readonly sourceError?: BlitError;
  /** Source entries whose metadata could not be read. */
  readonly sourceFailures: DirListing["failures"];
  /** The destination directory's entries that are directories (null: it does not exist). */
  readonly destDirs: readonly DirEntry[] | null;
  /** The plan, with `send` holding only what the pass left for the engine to write, and `skip`
   * holding only directories (skipped files and symlinks are counted in `skippedLeaves`). */
  readonly plan: DirectoryPlan;
  readonly skippedLeaves: number;
  /** Entries the pass already wrote, in the plan's order, each with its result. */
  readonly written: readonly { readonly entry: DirEntry; readonly result: OpResult }[];
  /** True when the pass created the new subdirectories of `plan.descend` (not in a dry run). */
  readonly subdirsCreated: boolean;
  /** Subdirectories it failed to create (not to be descended into). */
  readonly subdirFailures: readonly OpResult[];
}

/**
 * A tree of entries rooted somewhere (a local directory, a daemon module).
 *
 * Guarantees every adapter keeps (checked by test/contract/store.contract.ts):
 * - Paths are RelPaths below the root; nothing is read or written outside it.
 * - `stat`/`list` never follow symlinks; `list` of a missing directory throws NOT_FOUND,
 *   of an unreadable one PERMISSION_DENIED.
 * - `write` is atomic per file: bytes go to a temporary in the destination directory and are
 *   renamed into place after data and metadata are complete; a failed or cancelled write leaves
 *   no temporary and the previous version intact. Temporaries left by a killed run are removed
 *   when their directory is next listed.
 * - Errors are BlitErrors: NOT_FOUND, PERMISSION_DENIED, NO_SPACE, CANCELLED, INTERNAL.
 */
export interface Store extends AsyncDisposable {
  /** Human-readable location, for messages. */
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  /** Metadata of `path`, or null when nothing is there. */
  stat(path: RelPath): Promise<EntryMeta | null>;
  /** Entries of directory `dir` in no particular order. */
  list(dir: RelPath, signal?: AbortSignal): Promise<DirListing>;
  /** The bytes of file `path` from `offset`, as a stream. */
  read(path: RelPath, offset?: number, signal?: AbortSignal): ReadableStream<Uint8Array>;
  /**
   * Optional fast path for many small files: each file of `paths` whole, in order, read together
   * (one job, one buffer, or one need list); `null` for a file larger than `maxBytes` (read it
   * with `read`), the error for one that could not be read. A store that learns a file's size
   * only from its bytes (a network peer) fails one past `maxBytes` with CORRUPT_DATA instead.
   * Never follows a final symlink.
   */
  readWhole?(paths: readonly RelPath[], maxBytes: number, signal?: AbortSignal): Promise<WholeRead[]>;
  /**
   * Optional: opens file `path` for a zero-copy send. Null when this store cannot hand out a
   * descriptor for it (not a regular file, another kind of store); the caller then uses `read`.
   * Same containment and errors as `read`.
   */
  openFile?(path: RelPath): Promise<OpenFile | null>;
  /**
   * Optional: puts file `path`'s bytes into `target` at their offsets instead of handing them out
   * as a stream, and resolves at the file's end with the bytes written (of them, those written
   * zero-copy). Errors as reading `read`'s stream, plus what `target.write` throws. It settles
   * only when nothing writes into `target.fd` any more.
   */
  readInto?(path: RelPath, target: FileTarget, signal?: AbortSignal): Promise<{ readonly bytes: number; readonly zeroCopyBytes: number }>;
  /**
   * Optional, for a store whose files come from a peer: true when file `path`, read through this
   * store and complete, changed on the peer while it was read there.
   */
  sourceChanged?(path: RelPath): boolean;
  /** Carries out a batch of writes; one result per op, in order. */
  write(ops: readonly WriteOp[], signal?: AbortSignal): Promise<OpResult[]>;
  /**
   * Bytes written so far by this store's writes, counting files still being copied (monotonic):
   * live progress inside large files. Writes cancelled through their signal stop between chunks.
   */
  copiedBytes(): number;
  /**
   * Applies mode, owner (when `capabilities.owners`) and mtime to existing directories and files,
   * in the order given (directories deepest first, after their contents landed). Never follows a
   * symlink.
   */
  setMeta(entries: readonly MetaUpdate[]): Promise<OpResult[]>;
  /**
   * Removes entries in the order given (so children listed before their parent are gone first),
   * never following symlinks; one result per path. A directory goes with its contents, or with
   * `onlyEmptyDirs` only when it is empty (else ALREADY_EXISTS).
   */
  remove(paths: readonly RelPath[], options?: { readonly onlyEmptyDirs?: boolean }): Promise<OpResult[]>;
  /**
   * Optional, for --resume between stores: the SHA-256 of each RESUME_BLOCK_BYTES block of file
   * `path` (the last block shorter); empty when there is no such file.
   */
  blockHashes?(path: RelPath, signal?: AbortSignal): Promise<Uint8Array[]>;
  /** A 256-bit content hash of file `path`. */
  hash(path: RelPath, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Optional fast path: lists `req.dir` at both ends, plans it and writes a bounded first share of
   * what it sends, next to the data (one round trip per directory instead of one per entry).
   * Returns null when it cannot serve this request (another kind of source, a filter); the engine
   * then lists, plans and writes itself. Semantics are exactly those of list + plan + write.
   */
  passDirectory?(req: DirectoryPassRequest, signal?: AbortSignal): Promise<DirectoryPass | null>;
  /** Makes every completed write durable; `durable: false` when the filesystem cannot. */
  sync(): Promise<{ readonly durable: boolean; readonly reason?: string }>;
  /**
   * Optional: reserves directory `path` for one run's writes until the returned handle is disposed
   * (one run per destination, SPEC §3). `exclusive` (a tree is written into `path`): no other run
   * may hold `path`, a directory inside it or one above it. Not exclusive (one file is written in
   * `path`): other single-file runs may share it, tree runs around it may not. Throws BUSY naming
   * the destination when another run (any process on this machine) holds what it needs.
   */
  claimDestination?(path: RelPath, exclusive: boolean): Promise<AsyncDisposable>;
}
