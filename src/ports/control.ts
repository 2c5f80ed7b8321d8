import type { EntryMeta } from "../domain/entry.ts";
import type { RelPath } from "../domain/rel-path.ts";

/**
 * A path on a daemon as a client names it. `module` is null for the default export (`host://`).
 * `path` is the client's text, relative to the module; the daemon checks it (domain/module-path.ts)
 * before use, so a client may send anything here.
 */
export interface RemoteTarget {
  readonly module: string | null;
  readonly path: string;
}

/** Who a daemon is. */
export interface DaemonIdentity {
  /** blit version of the daemon, e.g. "0.1.0". */
  readonly version: string;
  /** Wire protocol version it speaks. */
  readonly protocolVersion: number;
}

/** One exported module as clients see it; never its server-side path. */
export interface ModuleInfo {
  readonly name: string;
  readonly comment: string;
  readonly readOnly: boolean;
  /** A credential names it: clients that present none of its credentials are refused. */
  readonly authRequired: boolean;
}

/** What `blit list HOST` shows. */
export interface ModuleList {
  readonly version: string;
  readonly motd: string;
  /** Sorted by name. */
  readonly modules: readonly ModuleInfo[];
  /** The default export (`host://`), or null when the daemon has none. */
  readonly defaultExport: { readonly readOnly: boolean } | null;
}

/** An entry that could not be read, with its error code and message. */
export interface EntryFailure {
  readonly path: RelPath;
  readonly code: string;
  readonly message: string;
}

/** One entry of a listing: a name in the listed directory (or the listed path itself). */
export interface ListedEntry {
  readonly name: string;
  readonly meta: EntryMeta;
}

/** The result of `ls`. */
export interface Listing {
  /** True when the target was a directory and `entries` are its contents (sorted by name). */
  readonly isDir: boolean;
  readonly entries: readonly ListedEntry[];
  readonly failures: readonly EntryFailure[];
}

/** Which kinds `find` reports. */
export type FindKind = "any" | "files" | "dirs";

/** A `find`: entries below `target` whose base name or relative path matches `pattern`. */
export interface FindQuery {
  readonly target: RemoteTarget;
  /** rsync-style wildcard (domain/glob.ts); "" matches everything. */
  readonly pattern: string;
  readonly kind: FindKind;
  /** Stop after this many matches; 0 = no limit. */
  readonly limit: number;
}

/** One match of a `find`, relative to the query's target. */
export interface FoundEntry {
  readonly path: RelPath;
  readonly meta: EntryMeta;
}

/** A `du`: sizes per directory up to `maxDepth` levels below `target` (0 = only the target). */
export interface UsageQuery {
  readonly target: RemoteTarget;
  readonly maxDepth: number;
}

/** One row of `du`: totals of everything below `path` (relative to the target, "" for itself). */
export interface UsageRow {
  readonly path: RelPath;
  readonly bytes: number;
  readonly files: number;
  readonly dirs: number;
  readonly depth: number;
}

/** Capacity of the filesystem holding a module (`df`). */
export interface FilesystemStats {
  readonly totalBytes: number;
  readonly freeBytes: number;
  readonly availableBytes: number;
  readonly totalInodes: number;
  readonly freeInodes: number;
  readonly blockSize: number;
}

/** What an `rm` removed. */
export interface PurgeResult {
  readonly entriesRemoved: number;
  readonly bytesRemoved: number;
}

/** A shell-completion question: module names, or names in a module directory. */
export interface CompletionQuery {
  /** The module; with `completeModules`, the typed start of a module name. */
  readonly module: string | null;
  readonly completeModules: boolean;
  /** The typed path inside the module. */
  readonly prefix: string;
  readonly dirsOnly: boolean;
  /** At most this many candidates; 0 = the daemon's limit. */
  readonly limit: number;
}

/**
 * The admin control plane of a daemon (SPEC §6, §7). The daemon implements it over its modules;
 * a network client implements the same interface, so the programs do not know which they hold.
 *
 * Guarantees every implementation keeps:
 * - Errors are BlitErrors with the codes listed per method, and the same code and message on both
 *   sides of the wire. Every path is checked against its module first: PATH_ESCAPE for paths that
 *   leave it, NOT_FOUND for an unknown module or a missing path, READ_ONLY for `purge` on a
 *   read-only module.
 * - No reply or error holds a server-side absolute path.
 * - Streams stop when `signal` aborts (the call then rejects with CANCELLED) and stay bounded in
 *   memory: results are produced while the tree is walked.
 */
export interface ControlPlane {
  /** Identity and protocol version. */
  ping(signal?: AbortSignal): Promise<DaemonIdentity>;
  /** Modules, motd and default export. */
  listModules(signal?: AbortSignal): Promise<ModuleList>;
  /** A directory's entries, or the entry itself. NOT_FOUND, PERMISSION_DENIED, PATH_ESCAPE. */
  list(target: RemoteTarget, signal?: AbortSignal): Promise<Listing>;
  /** Matches below a path, as found. NOT_FOUND, PATH_ESCAPE, USAGE (bad pattern). */
  find(query: FindQuery, signal?: AbortSignal): AsyncIterable<FoundEntry>;
  /** Directory totals, deepest first; the target's own row last. NOT_FOUND, PATH_ESCAPE. */
  diskUsage(query: UsageQuery, signal?: AbortSignal): AsyncIterable<UsageRow>;
  /** statfs of the module's filesystem. NOT_FOUND, PATH_ESCAPE. */
  filesystemStats(target: RemoteTarget, signal?: AbortSignal): Promise<FilesystemStats>;
  /**
   * Removes a path and everything below it. A module root is refused (PERMISSION_DENIED);
   * NOT_FOUND, READ_ONLY, PATH_ESCAPE.
   */
  purge(target: RemoteTarget, signal?: AbortSignal): Promise<PurgeResult>;
  /** Completion candidates; directories end with '/'. Unknown places give no candidates. */
  completePath(query: CompletionQuery, signal?: AbortSignal): Promise<string[]>;
}

/**
 * Who a call on the daemon comes from, as the transport saw it: the client's address, the token
 * it presented (the secret as sent, null when none) and the fingerprint of the client
 * certificate the TLS layer verified (null without one). The daemon matches these against its
 * credentials; nothing else may read `token`.
 */
export interface Caller {
  readonly address: string;
  readonly token: string | null;
  readonly certFingerprint: string | null;
}

