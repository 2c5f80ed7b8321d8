/** How a LocalStore is set up (compose.ts builds one per local end and per daemon module). */
export interface LocalStoreOptions {
  /** Absolute path of the directory this store is rooted at. */
  readonly root: string;
  /**
   * Before writing into a directory, remove the temporaries there whose writer is gone (a lock
   * nobody holds, temp-lock.ts). Listing never removes anything.
   */
  readonly cleanTemporaries: boolean;
  /** Cap on worker threads (null: one per core). */
  readonly maxThreads: number | null;
  /** Threads to start with (the predictor's choice, within maxThreads); the pool grows from there
   * when the run shows a backlog. Null: start with maxThreads. */
  readonly initialThreads?: number | null;
  /** Copy buffer per thread for buffered copies and hashing (the predictor's choice); null: 4 MiB. */
  readonly bufferBytes?: number | null;
  /**
   * Contain every operation in `root` (a daemon module with use_chroot): paths resolve with
   * openat2(RESOLVE_BENEATH) from a descriptor of the root, so no symlink (nor a parent swapped
   * for one mid-run) leads outside it, and error messages show root-relative paths only.
   */
  readonly beneath?: boolean;
  /**
   * The entries written come from a daemon's clients (SPEC §5, domain/received-entry.ts): with
   * `markLinks`, symlinks are stored marked as client-made and shown unmarked; unless
   * `keepOwners`, every entry written or changed gets the owner and group of `root` and loses its
   * set-id bits.
   */
  readonly received?: { readonly keepOwners: boolean; readonly markLinks: boolean };
  /** Refuse every change with READ_ONLY (a read-only daemon module): writes, metadata, removals. */
  readonly readOnly?: boolean;
  /**
   * Run every filesystem job in the pool, never on the calling thread (a daemon, whose event loop
   * serves every client: a slow disk, a huge directory or a sync must not stall the others).
   */
  readonly offThread?: boolean;
}
