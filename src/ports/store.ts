import type { BlitError } from "../domain/errors.ts";
import type { DirEntry, EntryMeta } from "../domain/entry.ts";
import type { RelPath } from "../domain/rel-path.ts";
import type { FileBytes } from "./file-bytes.ts";

/** What a Store can keep; the engine compares and reports by these, never by adapter type. */
export interface StoreCapabilities {
  /** Keeps mtimes to the nanosecond (else compare at microseconds). */
  readonly nanosecondTimes: boolean;
  /** Can set owner and group (running as root). */
  readonly owners: boolean;
}

/** One directory's entries. `failures` lists entries whose metadata could not be read. */
export interface DirListing {
  readonly entries: readonly DirEntry[];
  readonly failures: readonly { readonly name: string; readonly error: BlitError }[];
}

/**
 * Make one entry exist at `path` with `meta`. Files take their bytes from `bytes`.
 * Directories are created (mode/mtime are applied later by `setMeta`). A different kind
 * already at `path` is replaced.
 */
export interface WriteOp {
  readonly path: RelPath;
  readonly meta: EntryMeta;
  /** A file's bytes (required for a file; ignored for other kinds). */
  readonly bytes?: FileBytes;
  /**
   * The first `resumeFrom` bytes are the existing destination file's (--resume, decided by the
   * caller), and `bytes` supplies the rest (`bytes.read(resumeFrom)`).
   */
  readonly resumeFrom?: number;
  /** --resume, passed on by a store that writes through another (a daemon decides nothing more). */
  readonly resume?: boolean;
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
  /**
   * What the destination could not hold of the entry that landed (extended attributes, ACLs, a hard link):
   * UNSUPPORTED BlitErrors with `details.kind` (domain/fidelity.ts); the engine warns once per kind.
   */
  readonly losses?: readonly BlitError[];
}

/** An existing directory or file whose mode, owner (when kept) and mtime are set to `meta`. */
export interface MetaUpdate {
  readonly path: RelPath;
  readonly meta: EntryMeta;
}

/**
 * A tree of entries rooted somewhere (a local directory, a daemon module, memory). Fast paths and
 * progress are optional capabilities (store-capabilities.ts), checked with `offers`
 * (domain/capability.ts).
 *
 * Guarantees every adapter keeps (checked by test/contract/store.contract.ts and
 * store-safety.contract.ts, which every implementation runs):
 * - Paths are RelPaths below the root; nothing is read or written outside it (a `..` is
 *   PATH_ESCAPE; a contained store also refuses a path through a symlinked directory).
 * - `stat`/`list` never follow symlinks; `list` of a missing directory throws NOT_FOUND,
 *   of an unreadable one PERMISSION_DENIED. Listings never show temporaries.
 * - `write` is atomic per file: bytes go to a temporary in the destination directory and are
 *   renamed into place after data and metadata are complete; a failed or cancelled write leaves
 *   no temporary and the previous version intact. Temporaries left by a killed run (no live
 *   writer holds them) are removed by the next write into their directory, never by a listing.
 * - `remove` of a path where nothing is succeeds (the entry is gone either way).
 * - Errors are BlitErrors: NOT_FOUND, PERMISSION_DENIED, PATH_ESCAPE, ALREADY_EXISTS, READ_ONLY,
 *   NO_SPACE, CANCELLED (an aborted signal, whatever its reason), INTERNAL.
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
   * Carries out a batch of writes; one result per op, in order. Writes cancelled through their
   * signal stop between chunks.
   */
  write(ops: readonly WriteOp[], signal?: AbortSignal): Promise<OpResult[]>;
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
  /** A 256-bit content hash of file `path`. */
  hash(path: RelPath, signal?: AbortSignal): Promise<Uint8Array>;
  /** Makes every completed write durable; `durable: false` when the filesystem cannot. */
  sync(): Promise<{ readonly durable: boolean; readonly reason?: string }>;
}
