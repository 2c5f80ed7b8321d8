import type { DirEntry, EntryMeta } from "../../domain/entry.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import type { DescendStep } from "../../domain/plan.ts";
import { depthRel, displayName, joinRel, parentRel, type RelPath } from "../../domain/rel-path.ts";
import type { Planner } from "../../ports/planner.ts";
import type { Reporter } from "../../ports/reporter.ts";
import { offers } from "../../domain/capability.ts";
import { attributesDiffer, xattrsDiffer } from "../../domain/compare.ts";
import type { CopyOp, HardLinks } from "../../ports/store-capabilities.ts";
import { HardLinkOps } from "./hard-link-ops.ts";
import type { MetaUpdate, OpResult, Store, WriteOp } from "../../ports/store.ts";
import type { RunStats } from "./run-stats.ts";
import { vanishedFromSource, vanishedWarning } from "./vanished.ts";
import { changedWhileRead, writeResending } from "./resend-mismatched.ts";
import { visitAll } from "./visit-all.ts";
import { ItemizePriors } from "./itemize-priors.ts";
import { DirPlanning, type PlannedDir } from "./dir-planning.ts";
import { TreeListings, type PendingDir } from "./tree-listings.ts";
import type { TreeSyncOptions } from "./tree-sync-options.ts";

/** Directory listings running at once (each lists source and destination). */
const LIST_CONCURRENCY = 8;
/** Write batches in flight before the walk waits: bounds memory by work in flight. */
const MAX_WRITE_BATCHES = 6;
/** Below this many batches in flight the workers are starving: flush at once. */
const STARVING_BATCHES = 2;
/** A partial batch is sent after this long (half of it when the workers are starving). */
const HEARTBEAT_MS = 1000;
const BATCH_FILES = 256;
const BATCH_BYTES = 64 << 20;

/**
 * The streaming part of a transfer: walks source and destination one directory at a time, plans
 * each directory as soon as both listings arrive, and keeps bounded batches of writes in flight
 * while the walk continues. Deletions and replacements are only collected; the caller runs them
 * once everything else succeeded.
 */
export class TreeSync {
  readonly deletionPaths: RelPath[] = [];
  /** The directories among `deletionPaths` (their contents go with them). */
  readonly deletionDirs: RelPath[] = [];
  /** Directories a filtered mirror empties: removed after the deletions if nothing protected is left. */
  readonly prunedDirs: RelPath[] = [];
  readonly replacements: { path: RelPath; entry: DirEntry }[] = [];
  /** Kept files whose mode, mtime or owner are set at the end (no data copied). */
  readonly attributeFixes: MetaUpdate[] = [];
  private readonly listings: TreeListings;
  private readonly planning: DirPlanning;
  private readonly dirs: { finish: MetaUpdate; needed: boolean }[] = [];
  private readonly dirty = new Set<RelPath>();
  private readonly writes = new Set<Promise<void>>();
  private batch: CopyOp[] = [];
  private batchBytes = 0;
  /** When the current batch got its first op (for the heartbeat). */
  private batchSince = 0;
  private fatal: BlitError | null = null;
  private rename: { dest: RelPath; source: RelPath } | null = null;
  /** Destination entries about to be written over or adjusted, as they were (for -i). */
  private readonly priors: ItemizePriors;
  /** Hard links within the set, where the destination makes them (else every name is written). */
  private readonly links: HardLinkOps | null;

  constructor(
    private readonly src: Store,
    private readonly dst: Store,
    private readonly planner: Planner,
    private readonly options: TreeSyncOptions,
    private readonly stats: RunStats,
    private readonly reporter: Reporter,
    private readonly signal: AbortSignal,
  ) {
    this.priors = new ItemizePriors(options.plan);
    this.listings = new TreeListings(src, dst, stats, reporter, signal);
    this.planning = new DirPlanning(src, dst, planner, options, this.listings, stats, reporter, this.priors, signal);
    const linked = (path: RelPath, meta: EntryMeta) => this.landed({ path, bytes: 0, zeroCopyBytes: 0 }, meta);
    const host = { dst: dst as Store & HardLinks, stats, signal, enqueue: (p: RelPath, m: EntryMeta) => this.enqueue(p, m), linked };
    this.links = offers<HardLinks>(dst, "link") && !options.dryRun ? new HardLinkOps(host) : null;
  }

  /** True when a source entry could not be read: mirror deletions are withheld. */
  get scanIncomplete(): boolean {
    return this.listings.incomplete;
  }

  /**
   * Walks and copies the whole tree; resolves when every write landed (or failed). When it throws
   * (cancelled, stalled, out of space), writes in flight have settled first, so no worker is
   * still creating files (and their temporaries are gone).
   */
  run(rootMeta: EntryMeta, destRootExists: boolean): Promise<void> {
    return this.settling(this.walk(rootMeta, destRootExists));
  }

  private async walk(rootMeta: EntryMeta, destRootExists: boolean): Promise<void> {
    if (!destRootExists && !this.options.dryRun) await this.writeChecked([{ path: "", meta: rootMeta }]);
    this.dirs.push({ finish: { path: "", meta: rootMeta }, needed: true });
    await visitAll<PendingDir>([{ path: "", destExists: destRootExists }], LIST_CONCURRENCY, (dir, pending) => this.visit(dir, pending), () => this.check());
    this.stats.scanComplete = true;
    await this.drain();
    if (this.links !== null) await this.links.finish().then(() => this.drain());
    this.check();
  }

  /**
   * Transfers one entry: `sourceName` in the source root written as `destName` in the destination
   * root (the "file" mode of the trailing-slash rules). Never plans deletions.
   */
  runSingle(sourceName: string, destName: string, meta: EntryMeta, destMeta: EntryMeta | null, destRootExists: boolean): Promise<void> {
    return this.settling(this.single(sourceName, destName, meta, destMeta, destRootExists));
  }

  private async single(sourceName: string, destName: string, meta: EntryMeta, destMeta: EntryMeta | null, destRootExists: boolean): Promise<void> {
    this.rename = { dest: destName, source: sourceName };
    if (!destRootExists && !this.options.dryRun) await this.writeChecked([{ path: "", meta: { ...meta, kind: "dir", mode: 0o755 } }]);
    const plan = this.planner.planDirectory("", [{ name: destName, meta }], destMeta === null ? [] : [{ name: destName, meta: destMeta }], { ...this.options.plan, mirror: false });
    this.priors.remember("", plan.prior);
    this.stats.examined += plan.send.length + plan.hashCheck.length + plan.skip.length + plan.replaceDirs.length;
    this.stats.skipped += plan.skip.length;
    for (const e of plan.special) this.reporter.warn(`skipping special file ${displayName(sourceName)} (FIFOs, sockets and devices are not copied)`);
    for (const e of plan.replaceDirs) this.replace("", e);
    for (const e of plan.fixMeta) this.fixAttributes(e.name, e.meta);
    for (const e of plan.hashCheck) this.track(this.compareHashes(e.name, e));
    this.stats.scanComplete = true;
    for (const e of await this.unlinked("", plan.send)) await this.enqueue(e.name, e.meta);
    await this.drain();
    this.check();
  }

  /** Writes one entry now and waits for it (replacements after deletions). */
  async sendNow(path: RelPath, meta: EntryMeta): Promise<void> {
    await this.enqueue(path, meta);
    await this.drain();
  }

  /** Aborts the walk with `e` at its next step (stall detector, cancellation). */
  abort(e: BlitError): void {
    this.fatal ??= e;
  }

  /**
   * Heartbeat, run a few times a second while the tree is walked: sends a partial batch that waited HEARTBEAT_MS (half
   * of it when fewer than STARVING_BATCHES writes are in flight), so a slow walk never holds files
   * back from idle workers.
   */
  private heartbeat(): void {
    if (this.batch.length === 0) return;
    const waited = performance.now() - this.batchSince;
    if (waited >= HEARTBEAT_MS || (this.writes.size < STARVING_BATCHES && waited >= HEARTBEAT_MS / 2)) this.flush();
  }

  /** Directories whose mode and mtime must be (re)applied, deepest first. */
  dirsToFinish(): MetaUpdate[] {
    return this.dirs
      .filter((d) => (d.needed || this.dirty.has(d.finish.path)) && !this.planning.uncreated.has(d.finish.path))
      .map((d) => d.finish)
      .sort((a, b) => depthRel(b.path) - depthRel(a.path));
  }

  /** Marks a directory as changed (its mtime must be restored). */
  markDirty(dir: RelPath): void {
    this.dirty.add(dir);
  }

  // --- internal ---

  /**
   * Sends the partial batch and waits until nothing is in flight. Loops because a settling task
   * (a checksum comparison) may queue a file after the last flush.
   */
  private async drain(): Promise<void> {
    for (;;) {
      this.flush();
      if (this.writes.size === 0) return;
      await Promise.race(this.writes);
    }
  }

  /** `work` with the heartbeat running; on failure it settles every write in flight first. */
  private async settling(work: Promise<void>): Promise<void> {
    const beat = setInterval(() => this.heartbeat(), HEARTBEAT_MS / 4);
    try {
      await work;
    } catch (e) {
      await Promise.allSettled([...this.writes]);
      throw e;
    } finally {
      clearInterval(beat);
    }
  }

  private check(): void {
    if (this.fatal !== null) throw this.fatal;
    if (this.signal.aborted) throw new BlitError("CANCELLED", "cancelled");
  }

  private async visit(dir: PendingDir, pending: PendingDir[]): Promise<void> {
    this.stats.touch(dir.path);
    const step = await this.planning.listAndPlan(dir);
    if (step === null) return;
    const skipped = step.plan.skip.filter(isLeaf).length + step.skippedLeaves;
    this.stats.examined += step.plan.send.length + step.plan.hashCheck.length + skipped + step.plan.replaceDirs.length + step.written.length;
    this.stats.skipped += skipped;
    const plan = this.links?.take(dir.path, step.plan) ?? step.plan;
    this.priors.remember(dir.path, plan.prior);
    for (const w of step.written) {
      this.planned(w.entry.meta);
      this.settle(w.result, w.entry.meta);
    }
    for (const e of plan.special) this.reporter.warn(`skipping special file ${displayName(joinRel(dir.path, e.name))} (FIFOs, sockets and devices are not copied)`);
    for (const e of plan.delete) {
      this.deletionPaths.push(joinRel(dir.path, e.name));
      if (e.meta.kind === "dir") this.deletionDirs.push(joinRel(dir.path, e.name));
    }
    for (const e of plan.fixMeta) this.fixAttributes(joinRel(dir.path, e.name), e.meta);
    for (const e of plan.prune) {
      const path = joinRel(dir.path, e.name);
      this.prunedDirs.push(path);
      pending.push({ path, destExists: true, destOnly: true });
    }
    for (const e of plan.replaceDirs) this.replace(dir.path, e);
    await this.descend(dir, plan.descend, step, pending);
    for (const e of plan.hashCheck) this.track(this.compareHashes(joinRel(dir.path, e.name), e));
    for (const e of await this.unlinked(dir.path, plan.send)) await this.enqueue(joinRel(dir.path, e.name), e.meta);
  }

  /** Of `send` in `dir`, those not hard-linked from a --link-dest tree (linked files count as unchanged). */
  private async unlinked(dir: RelPath, send: readonly DirEntry[]): Promise<readonly DirEntry[]> {
    const snap = this.options.snapshot;
    if (snap == null || !snap.linking) return send;
    const { rest, linked } = await snap.linkUnchanged(dir, send, this.options.plan, this.options.dryRun, (p) => this.src.hash(this.sourcePath(p), this.signal));
    for (const p of linked) this.reporter.item("link", p);
    this.stats.skipped += linked.length;
    if (linked.length > 0 && !this.options.dryRun) this.dirty.add(dir);
    return rest;
  }

  private fixAttributes(path: RelPath, meta: EntryMeta): void {
    this.attributeFixes.push({ path, meta });
    this.reporter.item("attrs", path, this.priors.attributes(path, meta));
  }

  private replace(dir: RelPath, e: DirEntry): void {
    const path = joinRel(dir, e.name);
    if (this.options.plan.mirror) this.replacements.push({ path, entry: e });
    else this.stats.fail(path, new BlitError("ALREADY_EXISTS", `${displayName(path)} is a directory at the destination: copy does not replace it (mirror does)`, { path }));
  }

  /**
   * Queues the subdirectories of `dir` for their visits. A new one is created by its own visit when the destination
   * can pass directories (the pass fills it under a temporary name first), else here, before it is queued.
   */
  private async descend(dir: PendingDir, subdirs: readonly DescendStep[], step: PlannedDir, pending: PendingDir[]): Promise<void> {
    const destMeta = new Map<string, EntryMeta>();
    for (const e of step.destDirs ?? []) if (e.meta.kind === "dir") destMeta.set(e.name, e.meta);
    const fresh = subdirs.filter((d) => !d.destExists);
    const deferred = !this.options.dryRun && this.planning.passable(dir);
    if (fresh.length > 0 && !this.options.dryRun) {
      this.dirty.add(dir.path);
      if (!deferred) {
        const { ready, refused } = await this.keptAside(fresh.map((d) => ({ path: joinRel(dir.path, d.entry.name), meta: d.entry.meta })));
        const results = [...refused, ...(await this.dst.write(ready, this.signal))];
        const failed = new Set(results.filter((r) => r.error !== undefined).map((r) => r.path));
        for (const r of results) if (r.error !== undefined) this.stats.fail(r.path, r.error);
        subdirs = subdirs.filter((d) => !failed.has(joinRel(dir.path, d.entry.name)));
      }
    }
    for (const d of subdirs) {
      const path = joinRel(dir.path, d.entry.name);
      if (!d.destExists && !deferred) this.reporter.item("mkdir", path, this.priors.dir(d.entry.meta, null));
      const old = destMeta.get(d.entry.name);
      const needed = !d.destExists || old === undefined || old.mode !== d.entry.meta.mode || old.mtimeNs !== d.entry.meta.mtimeNs || xattrsDiffer(d.entry.meta, old);
      const change = d.destExists && old !== undefined && needed ? this.priors.dir(d.entry.meta, old) : null;
      if (change !== null && change.itemize.trimEnd().length > 2) this.reporter.item("attrs", path, change);
      this.dirs.push({ finish: { path, meta: d.entry.meta }, needed });
      pending.push(!d.destExists && deferred ? { path, destExists: false, create: d.entry.meta } : { path, destExists: d.destExists });
    }
  }

  private async compareHashes(path: RelPath, e: DirEntry): Promise<void> {
    const [a, b] = await Promise.all([this.src.hash(this.sourcePath(path), this.signal), this.dst.hash(path, this.signal)]);
    this.stats.touch(path);
    if (a.length === b.length && a.every((x, i) => x === b[i])) {
      this.stats.skipped++;
      // Equal content: what else differs (mode, mtime, attributes, ACLs) is an attribute update.
      const now = await this.dst.stat(path);
      if (now !== null && attributesDiffer(e.meta, now, this.options.plan)) this.fixAttributes(path, e.meta);
      else this.priors.forget(path);
      return;
    }
    await this.enqueue(path, e.meta);
  }

  private planned(meta: EntryMeta): void {
    this.stats.plannedFiles++;
    this.stats.plannedBytes += meta.size;
  }

  private async enqueue(path: RelPath, meta: EntryMeta): Promise<void> {
    this.stats.touch(path);
    this.planned(meta);
    if (this.batch.length === 0) this.batchSince = performance.now();
    this.batch.push({ path, meta, from: this.sourcePath(path), resume: this.options.resume });
    this.batchBytes += meta.size;
    const full = this.options.pace == null ? BATCH_BYTES : this.options.pace.slice;
    if (this.batch.length >= BATCH_FILES || this.batchBytes >= full || this.writes.size < STARVING_BATCHES) this.flush();
    while (this.writes.size >= MAX_WRITE_BATCHES) await Promise.race(this.writes);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const ops = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    if (this.options.dryRun) {
      for (const op of ops) this.landed({ path: op.path, bytes: op.meta.size, zeroCopyBytes: 0 }, op.meta);
      return;
    }
    const paid = this.options.pace == null ? Promise.resolve() : this.options.pace.pay(ops.map((op) => ({ path: op.path, size: op.meta.size })), (p) => this.stats.touch(p), this.signal);
    const kept = paid.then(() => this.keptAside(ops));
    this.track(kept.then(({ ready, refused }) => (refused.forEach((r) => r.error && this.stats.fail(r.path, r.error)), writeResending(this.dst, this.src, ready, this.options.verified, this.stats, this.reporter, this.signal).then((results) => results.forEach((r, i) => this.settle(r, ready[i]!.meta))))));
  }

  /** With --backup-dir: `ops` whose destination entry (if any) was kept in the backup tree, and the failures of the others. */
  private async keptAside<T extends WriteOp>(ops: T[]): Promise<{ ready: T[]; refused: OpResult[] }> {
    const kept = this.options.snapshot?.backingUp === true ? await this.options.snapshot.keepAside(ops.map((op) => op.path)) : [];
    for (const r of kept) this.stats.lost(r.losses);
    return { ready: ops.filter((_, i) => kept[i]?.error === undefined), refused: kept.filter((r) => r.error !== undefined) };
  }

  /** A write's result; a failed one whose source entry vanished since it was listed is only a warning. */
  private settle(r: OpResult, meta: EntryMeta): void {
    if (r.error === undefined) return this.landed(r, meta);
    this.track(vanishedFromSource(this.src, this.sourcePath(r.path), r.error).then((gone) => (gone ? this.reporter.warn(vanishedWarning(r.path)) : this.landed(r, meta))));
  }

  private landed(r: OpResult, meta: EntryMeta): void {
    if (r.error !== undefined) {
      this.links?.failed(r.path);
      this.priors.forget(r.path);
      this.stats.fail(r.path, r.error);
      if (r.error.code === "NO_SPACE") this.abort(r.error);
      return;
    }
    this.stats.transferred++;
    this.stats.lost(r.losses);
    if (r.sourceChanged === true) this.reporter.warn(changedWhileRead(r.path));
    else if (this.options.verified && meta.kind === "file") this.stats.verified++;
    this.stats.bytes += r.bytes;
    this.stats.zeroCopyBytes += r.zeroCopyBytes;
    this.stats.touch(r.path);
    this.dirty.add(parentRel(r.path));
    this.reporter.item(meta.kind === "symlink" ? "symlink" : "copy", r.path, this.priors.write(r.path, meta));
  }

  private async writeChecked(ops: WriteOp[]): Promise<void> {
    const [r] = await this.dst.write(ops, this.signal);
    if (r?.error !== undefined) throw r.error;
  }

  private sourcePath(path: RelPath): RelPath {
    return this.rename !== null && path === this.rename.dest ? this.rename.source : path;
  }

  private track(p: Promise<void>): void {
    const tracked: Promise<void> = p
      .catch((e: unknown) => this.abort(isBlitError(e) ? e : new BlitError("INTERNAL", String(e), {}, { cause: e })))
      .finally(() => this.writes.delete(tracked));
    this.writes.add(tracked);
  }
}

const isLeaf = (e: DirEntry): boolean => e.meta.kind !== "dir";
