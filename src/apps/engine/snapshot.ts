import { offers } from "../../domain/capability.ts";
import type { DirEntry } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import { linkDecision } from "../../domain/link-dest.ts";
import type { PlanOptions } from "../../domain/plan.ts";
import { displayName, joinRel, type RelPath } from "../../domain/rel-path.ts";
import type { Reporter } from "../../ports/reporter.ts";
import type { SnapshotStep, SnapshotSteps } from "../../ports/store-capabilities.ts";
import type { OpResult, Store } from "../../ports/store.ts";

/**
 * Where the destination and its --link-dest / --backup-dir trees live: one store holding all of
 * them (a local store rooted at `/`, a daemon's module), the destination tree's root in it, and
 * how a DIR as typed becomes a path of it.
 */
export interface SnapshotAnchor {
  readonly store: Store;
  readonly dest: RelPath;
  /** DIR resolved (relative to the destination as typed); PATH_ESCAPE when it leads out of a module. */
  resolve(dir: string, flag: string): RelPath;
  /** For overlap checks against the source: what `canonical` of the source side compares with. */
  canonical(path: RelPath): string;
  /** A daemon's module: a DIR through a symlink is refused (the daemon checks each step again). */
  readonly contained: boolean;
}

/**
 * The snapshot steps of one run (SPEC §3 "Snapshots"): unchanged files hard-linked from the first
 * --link-dest tree holding an equal copy, and destination entries about to be written over or
 * deleted kept in the --backup-dir tree. Paths given to its methods are destination paths.
 */
export class Snapshot {
  private constructor(
    private readonly store: Store & SnapshotSteps,
    private readonly dest: RelPath,
    private readonly links: readonly RelPath[],
    private readonly backup: RelPath | null,
  ) {}

  /**
   * The run's snapshot steps, or null without --link-dest and --backup-dir. A --link-dest DIR that
   * is not a directory is dropped with one warning (files are copied, as rsync does).
   */
  static async open(req: { readonly linkDest?: readonly string[]; readonly backupDir?: string }, anchor: SnapshotAnchor | null, reporter: Reporter): Promise<Snapshot | null> {
    const typed = req.linkDest ?? [];
    if (anchor === null || (typed.length === 0 && req.backupDir === undefined)) return null;
    const store = anchor.store;
    if (!offers<SnapshotSteps>(store, "snapshot")) throw new BlitError("UNSUPPORTED", `${store.location} cannot hard-link or set entries aside: --link-dest and --backup-dir need a local or daemon destination`);
    const links: RelPath[] = [];
    const resolve = async (dir: string, flag: string) => {
      const path = anchor.resolve(dir, flag);
      if (anchor.contained) await refuseSymlinks(store, path, `${flag} ${displayName(dir)}`);
      return path;
    };
    for (const dir of typed) {
      const path = await resolve(dir, "--link-dest");
      const meta = await store.stat(path);
      if (meta?.kind === "dir") links.push(path);
      else reporter.warn(`--link-dest ${displayName(dir)} is not a directory${meta === null ? " (it does not exist)" : ""}: files are copied without it`);
    }
    const backup = req.backupDir === undefined ? null : await resolve(req.backupDir, "--backup-dir");
    return new Snapshot(store, anchor.dest, links, backup);
  }

  /** True when --link-dest trees are in use (the walk plans each directory itself then). */
  get linking(): boolean {
    return this.links.length > 0;
  }

  /**
   * Of the entries of directory `dir` about to be sent, links the files whose copy in a link-dest
   * tree is unchanged (hashes compared with -c, `sourceHash` giving the source's) and returns the
   * ones still to send and the paths linked. A failed link leaves the file to be sent. In a dry run nothing is linked
   * and every entry is returned with those that would be linked left out.
   */
  async linkUnchanged(dir: RelPath, entries: readonly DirEntry[], plan: PlanOptions, dryRun: boolean, sourceHash: (path: RelPath) => Promise<Uint8Array>): Promise<{ rest: DirEntry[]; linked: RelPath[] }> {
    if (this.links.length === 0 || !entries.some((e) => e.meta.kind === "file")) return { rest: [...entries], linked: [] };
    const listings = await Promise.all(this.links.map((root) => this.listOrEmpty(joinRel(root, dir))));
    const rest: DirEntry[] = [];
    const steps: { step: SnapshotStep; entry: DirEntry }[] = [];
    for (const e of entries) {
      const from = await this.linkSource(dir, e, listings, plan, sourceHash);
      if (from === null) rest.push(e);
      else steps.push({ entry: e, step: { how: "link", from, to: joinRel(this.dest, joinRel(dir, e.name)) } });
    }
    const paths = (done: typeof steps) => done.map((s) => joinRel(dir, s.entry.name));
    if (steps.length === 0 || dryRun) return { rest, linked: paths(steps) };
    const kept = await this.keepAside(steps.map((s) => joinRel(dir, s.entry.name)));
    const ready = steps.filter((s, i) => kept[i]!.error === undefined || !rest.push(s.entry));
    const results = await this.store.snapshot(ready.map((s) => s.step));
    results.forEach((r, i) => r.error !== undefined && rest.push(ready[i]!.entry));
    return { rest, linked: paths(ready.filter((_, i) => results[i]!.error === undefined)) };
  }

  /** With --backup-dir: a hard link of each destination entry at `paths` (files, symlinks) is kept in the backup tree; one result per path. */
  async keepAside(paths: readonly RelPath[]): Promise<OpResult[]> {
    return this.aside("keep-aside", paths);
  }

  /** With --backup-dir: each destination entry at `paths` is moved into the backup tree instead of deleted. */
  async moveAside(paths: readonly RelPath[]): Promise<OpResult[]> {
    return this.aside("move-aside", paths);
  }

  get backingUp(): boolean {
    return this.backup !== null;
  }

  // --- internal ---

  private async aside(how: SnapshotStep["how"], paths: readonly RelPath[]): Promise<OpResult[]> {
    const backup = this.backup;
    if (backup === null || paths.length === 0) return paths.map((path) => ({ path, bytes: 0, zeroCopyBytes: 0 }));
    const results = await this.store.snapshot(paths.map((p) => ({ how, from: joinRel(this.dest, p), to: joinRel(backup, p) })));
    return results.map((r, i) => ({ ...r, path: paths[i]! }));
  }

  /** The link-dest path of the first unchanged copy of `e`, or null. */
  private async linkSource(dir: RelPath, e: DirEntry, listings: readonly Map<string, DirEntry>[], plan: PlanOptions, sourceHash: (path: RelPath) => Promise<Uint8Array>): Promise<RelPath | null> {
    for (let i = 0; i < listings.length; i++) {
      const there = listings[i]!.get(e.name) ?? null;
      const decision = linkDecision(e.meta, there?.meta ?? null, plan);
      if (decision === "copy") continue;
      const from = joinRel(this.links[i]!, joinRel(dir, e.name));
      if (decision === "hash" && !sameBytes(await sourceHash(joinRel(dir, e.name)), await this.store.hash(from))) continue;
      return from;
    }
    return null;
  }

  private async listOrEmpty(dir: RelPath): Promise<Map<string, DirEntry>> {
    try {
      return new Map((await this.store.list(dir)).entries.map((e) => [e.name, e]));
    } catch (e) {
      if (e instanceof BlitError && e.code === "NOT_FOUND") return new Map();
      throw e;
    }
  }
}

/** PATH_ESCAPE when a directory on the way to `path` (or `path` itself) is a symlink in the module. */
async function refuseSymlinks(store: Store, path: RelPath, typed: string): Promise<void> {
  const parts = path.split("/");
  for (let i = 1; i <= parts.length && path !== ""; i++) {
    const at = parts.slice(0, i).join("/");
    const meta = await store.stat(at);
    if (meta === null) return;
    if (meta.kind === "symlink") throw new BlitError("PATH_ESCAPE", `${typed} goes through the symlink ${displayName(at)} in the daemon's module: refused; name a real directory inside the module`, { path: at });
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
