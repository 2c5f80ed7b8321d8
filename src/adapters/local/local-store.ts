import type { DirEntry, EntryMeta } from "../../domain/entry.ts";
import { BlitError, isBlitError, throwIfCancelled } from "../../domain/errors.ts";
import { displayName, type RelPath } from "../../domain/rel-path.ts";
import { hasParentSegment } from "../../domain/peer-path.ts";
import type { DirectoryPass, DirectoryPassRequest } from "../../ports/directory-pass.ts";
import type { BlockHashes, CopyOp, DestinationClaims, DirectCopies, DirectoryPasses, HardLinks, LinkOp, LinkResult, OpenFile, OpenFiles, SnapshotStep, SnapshotSteps, WholeRead, WholeReads, WriteProgress } from "../../ports/store-capabilities.ts";
import { fromSnapshotItems, type SnapshotItem } from "./snapshot-steps.ts";
import type { MetaUpdate, DirListing, OpResult, Store, StoreCapabilities, WriteOp } from "../../ports/store.ts";
import type { PassJob, PassResult } from "./fs-pass.ts";
import { CopyMeter } from "./copy-meter.ts";
import { runJob, type Job, type JobResult, type LinkItem } from "./fs-jobs.ts";
import { toLinkResult, toOpResult, type ItemResult } from "./item-result.ts";
import type { ListResult } from "./fs-read.ts";
import { FAILED, TOO_LARGE, type ReadWholeResult } from "./fs-read-whole.ts";
import type { PlanOptions } from "../../domain/plan.ts";
import { splitHashes } from "../../domain/resume-prefix.ts";
import { ownedByModule, storedMeta, shownMeta, type Owner } from "../../domain/received-entry.ts";
import type { WriteJob } from "./fs-write.ts";
import { hasLibc } from "./libc.ffi.ts";
import { absJoin, toOsPath } from "./os-path.ts";
import { fromWireError, toBlitError } from "./to-blit-error.ts";
import { toDirectoryPass } from "./pass-result.ts";
import { Beneath, openRoot, ROOT_NAME, rootCurrent } from "./beneath.ts";
import { CleanSchedule } from "./clean-schedule.ts";
import { releaseClaim } from "./destination-claim.ts";
import type { LocalStoreOptions } from "./local-store-options.ts";
import * as fs from "node:fs";
import type { WorkerPool } from "./worker-pool.ts";
import { acquirePool, acquireServerPool, isServerPool, releasePool, releaseServerPool } from "./shared-pools.ts";
import { writeBytes } from "./bytes-write.ts";
import { fileStream, LocalOpenFile, pooledStream } from "./open-file.ts";
import { openRegular } from "./open-regular.ts";

/**
 * Work run on the calling thread before the pool starts, so trivial transfers never pay for
 * threads: one unit per entry plus one per MiB of file data. A job that does not fit (a large
 * file) goes to the pool, so the event loop keeps reporting progress and can cancel it.
 */
const INLINE_BUDGET = 48;
const MIB = 1 << 20;
/** A directory pass counts as this much of the inline budget: the first one or two run inline. */
const PASS_WEIGHT = 24;

export type { LocalStoreOptions };

/**
 * The local filesystem as a Store. Blocking syscalls run in a shared pool of worker threads once a
 * transfer proves larger than a handful of entries; file data moves with copy_file_range.
 */
export class LocalStore implements Store, WholeReads, OpenFiles, WriteProgress, BlockHashes, DirectoryPasses, DestinationClaims, DirectCopies, SnapshotSteps, HardLinks {
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  private budget: number;
  private pool: WorkerPool | null = null;
  private readonly meter = new CopyMeter();
  private readonly watched = new WeakSet<AbortSignal>();
  private rootFd: number | null = null;
  /** Roots replaced while this store ran: jobs in flight may still use them; closed at dispose. */
  private readonly retiredRoots: number[] = [];
  private refreshing: Promise<void> | null = null;
  private readonly cleaned = new CleanSchedule();
  /** Marks a LocalStore, so another one can tell a store of its own kind (copiesFrom). */
  readonly #local = true;

  constructor(private readonly options: LocalStoreOptions) {
    this.location = options.root;
    this.capabilities = { nanosecondTimes: hasLibc(), owners: process.geteuid?.() === 0 && options.received?.keepOwners !== false };
    this.budget = options.offThread === true ? 0 : INLINE_BUDGET;
  }

  get contained(): boolean { return this.options.beneath === true; }

  /** Absolute OS path of a RelPath; a `..` segment (which no RelPath holds) is PATH_ESCAPE. */
  absolute(path: RelPath): string {
    if (hasParentSegment(path)) throw new BlitError("PATH_ESCAPE", `${displayName(path)} steps out through '..': refused`, { path });
    return absJoin(this.options.root, path);
  }

  async stat(path: RelPath): Promise<EntryMeta | null> {
    const job: Job = { op: "stat", abs: this.jobPath(path) };
    const meta = (this.options.offThread === true ? await this.exec(job, 1) : runJob(this.contain(job))) as EntryMeta | null;
    return meta === null || this.options.received?.markLinks !== true ? meta : shownMeta(meta);
  }

  async list(dir: RelPath, signal?: AbortSignal): Promise<DirListing> {
    throwIfCancelled(signal);
    const r = (await this.exec({ op: "list", abs: this.jobPath(dir) }, 1)) as ListResult;
    const entries: DirEntry[] = this.options.received?.markLinks !== true ? r.entries : r.entries.map((e) => ({ name: e.name, meta: shownMeta(e.meta) }));
    return { entries, failures: r.failures.map((f) => ({ name: f.name, error: fromWireError(f.error) })) };
  }

  read(path: RelPath, offset = 0): ReadableStream<Uint8Array> {
    if (this.options.offThread !== true) return fileStream(this.openRead(path), offset);
    return pooledStream(
      {
        open: async () => ((await this.exec({ op: "open", abs: this.jobPath(path) }, 1)) as { fd: number }).fd,
        read: async (fd, at, length) => (await this.exec({ op: "pread", fd, offset: at, length, name: this.jobPath(path) }, 1)) as Uint8Array,
      },
      offset,
    );
  }

  /** The file's descriptor for a zero-copy send (Channel.sendFile); null when it is not a regular file. */
  async openFile(path: RelPath): Promise<OpenFile | null> {
    if (this.options.offThread !== true) return LocalOpenFile.of(this.openRead(path));
    const { fd } = (await this.exec({ op: "open", abs: this.jobPath(path) }, 1)) as { fd: number };
    return LocalOpenFile.of(fd);
  }

  async readWhole(paths: readonly RelPath[], maxBytes: number, signal?: AbortSignal): Promise<WholeRead[]> {
    throwIfCancelled(signal);
    const r = (await this.exec({ op: "readWhole", whole: { paths: paths.map((p) => this.jobPath(p)), maxBytes } }, paths.length)) as ReadWholeResult;
    let at = 0;
    return r.lengths.map((n, i): WholeRead => {
      if (n === TOO_LARGE) return null;
      if (n === FAILED) return { error: fromWireError(r.errors[i]!) };
      const bytes = new Uint8Array(r.buffer, at, n);
      at += n;
      return r.changed.includes(i) ? { bytes, changed: true } : { bytes };
    });
  }

  async write(ops: readonly WriteOp[], signal?: AbortSignal): Promise<OpResult[]> {
    const ready = await this.asReceived(ops);
    this.watch(signal);
    if (this.options.offThread === true) await this.refreshRoot();
    await this.cleanBefore(ready);
    if (!ready.some(hasBytes)) return this.runJobs(ready, ready.map((op) => ({ dst: this.jobPath(op.path), meta: op.meta })));
    // The batch's directories first (a file may land in one), then files carried as bytes alongside the rest.
    const dirs = ready.filter((op) => !hasBytes(op) && op.meta.kind === "dir");
    const carried = ready.filter(hasBytes);
    const rest = ready.filter((op) => !hasBytes(op) && op.meta.kind !== "dir");
    const jobs = (list: readonly WriteOp[]) => (list.length === 0 ? Promise.resolve([]) : this.runJobs(list, list.map((op) => ({ dst: this.jobPath(op.path), meta: op.meta }))));
    const [made, [a, b]] = [await jobs(dirs), await Promise.all([this.writeCarried(carried, signal), jobs(rest)])];
    const byOp = new Map<WriteOp, OpResult>();
    dirs.forEach((op, i) => byOp.set(op, made[i]!));
    carried.forEach((op, i) => byOp.set(op, a[i]!));
    rest.forEach((op, i) => byOp.set(op, b[i]!));
    return ready.map((op) => ({ ...byOp.get(op)!, path: op.path }));
  }

  /** DirectCopies: from another uncontained LocalStore, by path (copy_file_range, buffered below 64 KiB). */
  copiesFrom(source: Store): boolean {
    return LocalStore.isLocal(source) && !source.contained;
  }

  async copyFrom(source: Store, ops: readonly CopyOp[], signal?: AbortSignal): Promise<OpResult[]> {
    if (!LocalStore.isLocal(source) || source.contained) throw new BlitError("INTERNAL", `the local store copies directly only from local sources (${source.location})`);
    const ready = await this.asReceived(ops);
    this.watch(signal);
    if (this.options.offThread === true) await this.refreshRoot();
    await this.cleanBefore(ready);
    const src = (op: CopyOp) => (op.from === undefined || op.meta.kind !== "file" ? undefined : source.absolute(op.from));
    return this.runJobs(ready, ready.map((op) => ({ dst: this.jobPath(op.path), meta: op.meta, src: src(op), resume: op.resume })));
  }

  /** Runs write `jobs` (one per op of `ops`); the results named by the ops' paths. */
  private async runJobs(ops: readonly { readonly path: RelPath }[], jobs: WriteJob[]): Promise<OpResult[]> {
    const weight = jobs.reduce((w, job) => w + 1 + (job.meta.kind === "file" ? Math.ceil(job.meta.size / MIB) : 0), 0);
    const results = (await this.exec({ op: "write", jobs, meter: this.meter.buffer }, weight)) as ItemResult[];
    return results.map((r, i) => toOpResult(ops[i]!.path, r));
  }

  /** Files whose bytes are handed over (bytes-write.ts). */
  private writeCarried(ops: readonly WriteOp[], signal?: AbortSignal): Promise<OpResult[]> {
    const resolve = (jobPath: string) => {
      if (this.options.beneath !== true) return { path: jobPath, done: () => {}, scrub: (e: BlitError) => e };
      const at = new Beneath(this.root());
      return { path: at.path(jobPath), done: () => at.close(), scrub: (e: BlitError) => at.scrub(e) };
    };
    const buffer = (bytes: number) => this.pool?.buffer(bytes) ?? new ArrayBuffer(bytes);
    const runWrites = async (jobs: WriteJob[], transfer: readonly ArrayBuffer[]) => ((await this.exec({ op: "write", jobs, meter: this.meter.buffer }, jobs.length, transfer)) as ItemResult[]).map((r, i) => toOpResult(jobs[i]!.dst, r));
    return writeBytes(ops, { jobPath: (p) => this.jobPath(p), buffer, runWrites, resolve, meter: this.meter }, signal);
  }

  /** `ops` as they are stored (refused in a read-only module; a module's received entries per its rules). */
  private async asReceived<T extends { readonly meta: EntryMeta }>(ops: readonly T[]): Promise<readonly T[]> {
    this.refuseIfReadOnly("write");
    const r = this.options.received;
    if (r === undefined) return ops;
    const owner = await this.moduleOwner();
    return ops.map((op) => ({ ...op, meta: storedMeta(op.meta, owner, r.markLinks) }));
  }

  passesFrom(source: Store, plan: PlanOptions): source is LocalStore {
    return LocalStore.isLocal(source) && !source.contained && !this.contained && this.options.received === undefined && this.options.readOnly !== true && plan.filter.isEmpty;
  }

  async passDirectory(req: DirectoryPassRequest, signal?: AbortSignal): Promise<DirectoryPass | null> {
    const { source } = req;
    if (!this.passesFrom(source, req.plan)) return null;
    this.watch(signal);
    const { filter: _, ...plan } = req.plan;
    const pass: PassJob = {
      src: source.absolute(req.dir),
      dst: this.absolute(req.dir),
      rel: req.dir,
      destExists: req.destExists,
      create: req.create,
      clean: this.options.cleanTemporaries,
      plan,
      dryRun: req.dryRun,
      resume: req.resume,
    };
    const r = (await this.exec({ op: "pass", pass, meter: this.meter.buffer }, PASS_WEIGHT)) as PassResult;
    if (r.cleaned) this.cleaned.mark(req.dir);
    return toDirectoryPass(req.dir, r);
  }

  copiedBytes = (): number => this.meter.bytes;

  async setMeta(entries: readonly MetaUpdate[]): Promise<OpResult[]> {
    this.refuseIfReadOnly("change attributes");
    const owner = await this.moduleOwner();
    const job: Job = { op: "meta", entries: entries.map((d) => ({ abs: this.jobPath(d.path), meta: owner === null ? d.meta : ownedByModule(d.meta, owner) })) };
    const results = (await this.exec(job, 1)) as ItemResult[];
    return results.map((r, i) => toOpResult(entries[i]!.path, r));
  }

  /** SnapshotSteps, on the calling thread (a few syscalls per step; a copy into a backup dir on another filesystem too). */
  snapshot = async (steps: readonly SnapshotStep[]): Promise<OpResult[]> => (this.refuseIfReadOnly("write"), fromSnapshotItems((await this.exec({ op: "snapshot", storeRoot: this.options.root, contained: this.contained, steps: [...steps] }, steps.length)) as SnapshotItem[]));

  async remove(paths: readonly RelPath[], options?: { readonly onlyEmptyDirs?: boolean }): Promise<OpResult[]> {
    this.refuseIfReadOnly("remove");
    const job: Job = { op: "remove", paths: paths.map((p) => this.jobPath(p)), recursive: options?.onlyEmptyDirs !== true };
    const results = (await this.exec(job, paths.length)) as ItemResult[];
    return results.map((r, i) => toOpResult(paths[i]!, r));
  }

  /** HardLinks.link, through linkInPlace (hard-link.ts). */
  async link(ops: readonly LinkOp[], signal?: AbortSignal): Promise<LinkResult[]> {
    this.watch(signal);
    this.refuseIfReadOnly("link");
    const items = (await this.exec({ op: "link", links: ops.map((op) => ({ dst: this.jobPath(op.path), leader: this.jobPath(op.to) })) }, ops.length)) as LinkItem[];
    return items.map((r, i) => toLinkResult(ops[i]!.path, r));
  }

  async blockHashes(path: RelPath): Promise<Uint8Array[]> {
    let all: Uint8Array;
    try {
      all = (await this.exec({ op: "blockHashes", abs: this.jobPath(path) }, 4)) as Uint8Array;
    } catch (e) {
      if (isBlitError(e) && e.code === "NOT_FOUND") return [];
      throw e;
    }
    return splitHashes(all);
  }

  async hash(path: RelPath, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfCancelled(signal);
    return (await this.exec({ op: "hash", abs: this.jobPath(path) }, 4)) as Uint8Array;
  }

  async sync(): Promise<{ durable: boolean; reason?: string }> {
    const job: Job = { op: "sync", abs: this.jobPath("") };
    const { errno } = (this.options.offThread === true ? await this.exec(job, 1) : runJob(this.contain(job))) as { errno: number };
    if (errno === 0) return { durable: true };
    return { durable: false, reason: `the filesystem of ${this.location} could not sync (errno ${errno})` };
  }

  /** DestinationClaims.claimDestination: the locks are taken in the pool offThread; their descriptors stay open here. */
  async claimDestination(path: RelPath, exclusive: boolean): Promise<AsyncDisposable> {
    const shown = this.options.beneath === true ? (path === "" ? ROOT_NAME : displayName(path)) : this.absolute(path);
    const { fds } = (await this.exec({ op: "claim", abs: this.jobPath(path), exclusive, shown, rootAbs: this.options.root }, 1)) as { fds: number[] };
    return { [Symbol.asyncDispose]: async () => releaseClaim(fds) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.pool !== null && isServerPool(this.pool)) releaseServerPool();
    else if (this.pool !== null) releasePool();
    this.pool = null;
    if (this.rootFd !== null) fs.closeSync(this.rootFd);
    this.rootFd = null;
    for (const fd of this.retiredRoots.splice(0)) fs.closeSync(fd);
  }

  // --- internal ---

  /** A store of this kind (a brand check: the same-kind fast paths read its files by path). */
  private static isLocal(store: Store): store is LocalStore {
    return #local in store;
  }

  /** Opens regular file `path` for reading (never blocking, never through a final symlink; contained when `beneath`). */
  private openRead(path: RelPath): number {
    const at = this.options.beneath === true ? new Beneath(this.root()) : null;
    try {
      const os = toOsPath(at === null ? this.absolute(path) : at.path(path));
      return openRegular(os).fd;
    } catch (e) {
      const err = toBlitError(e, path, "read");
      throw at === null ? err : at.scrub(err);
    } finally {
      at?.close();
    }
  }

  private refuseIfReadOnly(what: string): void {
    if (this.options.readOnly === true) throw new BlitError("READ_ONLY", `a read-only module refuses every change: cannot ${what} here`);
  }

  /** Whom entries from clients belong to (the root's owner; asked in the pool offThread); null when they keep their own. */
  private async moduleOwner(): Promise<Owner | null> {
    if (this.options.received === undefined || this.options.received.keepOwners) return null;
    try {
      // `root/.`: the directory even when the configured path is a symlink to it.
      const st = this.options.offThread === true ? ((await this.exec({ op: "stat", abs: this.options.beneath === true ? "" : `${this.options.root}/.` }, 1)) as EntryMeta | null) : fs.statSync(this.options.root);
      if (st === null) throw Object.assign(new Error("gone"), { code: "ENOENT" });
      return { uid: st.uid, gid: st.gid };
    } catch (e) {
      throw toBlitError(e, this.options.root, "read the owner of");
    }
  }

  /** Removes the stale temporaries of the directories `ops` write into that are due (clean-schedule.ts). */
  private async cleanBefore(ops: readonly WriteOp[]): Promise<void> {
    if (!this.options.cleanTemporaries) return;
    const dirs = this.cleaned.due(ops.map((op) => op.path));
    if (dirs.length > 0) await this.exec({ op: "cleanTemps", dirs: dirs.map((d) => this.jobPath(d)) }, dirs.length);
  }

  /** Cancels this store's copies in progress when `signal` aborts. */
  private watch(signal: AbortSignal | undefined): void {
    throwIfCancelled(signal);
    if (signal === undefined || this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener("abort", () => this.meter.cancel(), { once: true });
  }

  /** What a job names `path` by: absolute, or root-relative for a contained store. */
  private jobPath(path: RelPath): string {
    return this.options.beneath === true ? path : this.absolute(path);
  }

  /**
   * The root's descriptor, opened again when the directory at `root` was replaced or removed (an
   * offThread store checks before each job instead, off the event loop: refreshRoot).
   */
  private root(): number {
    if (this.options.offThread !== true && this.rootFd !== null && !rootCurrent(this.rootFd, this.options.root)) {
      this.retiredRoots.push(this.rootFd);
      this.rootFd = null;
    }
    this.rootFd ??= openRoot(this.options.root);
    return this.rootFd;
  }

  /**
   * Checks in the pool (this thread never waits on the disk) that the root is still the directory
   * at its path, and reopens it there when not; requests arriving meanwhile share the check.
   */
  private refreshRoot(): Promise<void> {
    if (this.options.beneath !== true) return Promise.resolve();
    this.pool ??= acquireServerPool();
    const pool = this.pool;
    const abs = this.options.root;
    this.refreshing ??= (async () => {
      if (this.rootFd !== null && ((await pool.run({ op: "rootCheck", fd: this.rootFd, abs })) as { current: boolean }).current) return;
      if (this.rootFd !== null) this.retiredRoots.push(this.rootFd);
      this.rootFd = null;
      this.rootFd = ((await pool.run({ op: "openRoot", abs })) as { fd: number }).fd;
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private contain(job: Job): Job {
    return this.options.beneath === true ? { ...job, root: this.root() } : job;
  }

  private withBuffer(job: Job): Job {
    const bytes = this.options.bufferBytes ?? null;
    return bytes === null || (job.op !== "write" && job.op !== "pass" && job.op !== "hash") ? job : { ...job, bufferBytes: bytes };
  }

  /** Runs `job` inline while the budget lasts, else in the pool (`transfer`: buffers moved to the thread). */
  private exec(job0: Job, weight: number, transfer?: readonly ArrayBuffer[]): Promise<JobResult> {
    if (this.options.offThread === true && this.options.beneath === true) return this.refreshRoot().then(() => this.execNow(job0, weight, transfer));
    return this.execNow(job0, weight, transfer);
  }

  private execNow(job0: Job, weight: number, transfer?: readonly ArrayBuffer[]): Promise<JobResult> {
    const job = this.withBuffer(this.contain(job0));
    if (this.pool === null && this.budget >= weight) {
      this.budget -= weight;
      try {
        return Promise.resolve(runJob(job));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    this.pool ??= this.options.offThread === true ? acquireServerPool() : acquirePool(this.options.maxThreads, this.options.initialThreads ?? null);
    return this.pool.run(job, transfer);
  }
}

/** A file write whose bytes are handed over. */
const hasBytes = (op: WriteOp): boolean => op.meta.kind === "file" && op.bytes !== undefined;
