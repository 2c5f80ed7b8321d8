import type { DirEntry, EntryMeta } from "../../domain/entry.ts";
import { DAEMON_LIMITS } from "../../domain/daemon-limits.ts";
import { BlitError, isBlitError, throwIfCancelled } from "../../domain/errors.ts";
import { checkName, isPeerViolation, type Unchecked } from "../../domain/peer-path.ts";
import { displayName, type RelPath } from "../../domain/rel-path.ts";
import { splitHashes } from "../../domain/resume-prefix.ts";
import { encodeEnd } from "../../domain/wire/frame.ts";
import type { ReadItem, SessionClient, StoreOp, StoreReply, StoreRequest, WriteItem } from "../../ports/session.ts";
import type { BlockHashes, DestinationClaims, FileTarget, HardLinks, LinkOp, LinkResult, ReadsInto, SnapshotStep, SnapshotSteps, SourceChanges, WholeRead, WholeReads, WriteProgress } from "../../ports/store-capabilities.ts";
import { fidelityLoss } from "../../domain/fidelity.ts";
import type { DirListing, MetaUpdate, OpResult, StoreCapabilities, WriteOp } from "../../ports/store.ts";
import type { DataPlane, RemoteStore } from "../../ports/remote-store.ts";
import { FileDemux } from "./file-demux.ts";
import { wholeOf } from "./incoming-files.ts";
import { sendWrite } from "./send-files.ts";
import { SendLanes } from "./send-lanes.ts";
import { RequestTable } from "./request-table.ts";

/** Reads asked for in the same turn of the event loop travel as one need list of at most this many. */
const READ_BATCH_FILES = 512;

/**
 * A directory of a daemon as a Store (the client's end of a session). Every method is one request
 * on the control stream; file bytes travel on the data plane: `read` collects the files asked for
 * in one turn into one need list, `write` streams the files' bytes (WriteOp.bytes) as records.
 */
export class PeerStore implements RemoteStore, WholeReads, ReadsInto, SourceChanges, WriteProgress, BlockHashes, DestinationClaims, SnapshotSteps, HardLinks {
  readonly capabilities: StoreCapabilities = { nanosecondTimes: true, owners: false };
  private readonly table = new RequestTable();
  private readonly demux = new FileDemux(undefined, (fileId) => this.ended(fileId));
  private readonly lanes: Promise<SendLanes>;
  private readonly pump: Promise<void>;
  private sent: SendLanes | null = null;
  /** Mutable state shared by every view of the session. */
  private readonly s: {
    nextFileId: number;
    pendingReads: ReadItem[];
    /** Files asked for whose end has not arrived, by id (their full paths). */
    reading: Map<number, RelPath>;
    /** Full paths of files read whole though they changed on the daemon while it read them. */
    changedPaths: Set<RelPath>;
    meter: number;
    failure: BlitError | null;
    readZeroCopy: number;
    readsInFlight: Set<Promise<void>>;
  } = {
    nextFileId: 1,
    pendingReads: [],
    reading: new Map(),
    changedPaths: new Set(),
    meter: 0,
    failure: null,
    readZeroCopy: 0,
    readsInFlight: new Set(),
  };

  private prefix: RelPath = "";
  private owner = true;

  /**
   * `data` is the data plane still being opened: requests that need no file bytes (stat, list)
   * go out at once, overlapping its handshakes.
   */
  constructor(
    readonly location: string,
    private readonly session: SessionClient,
    readonly data: Promise<DataPlane>,
  ) {
    this.pump = this.receive();
    this.lanes = data.then((d) => {
      for (const c of d.channels) this.demux.drain(c).catch((e: unknown) => this.lost(e));
      this.sent = new SendLanes(d.channels);
      return this.sent;
    });
    this.lanes.catch((e: unknown) => this.lost(e));
  }

  /** The same session seen from directory `dir` (paths are relative to it); disposing it does nothing. */
  at(dir: RelPath, location: string): PeerStore {
    const view = Object.create(this) as PeerStore;
    Object.defineProperty(view, "location", { value: location });
    view.prefix = dir;
    view.owner = false;
    return view;
  }

  async stat(path: RelPath): Promise<EntryMeta | null> {
    const [r] = await this.call({ op: "stat", path: this.full(path) });
    return r?.kind === "stat" ? r.meta : null;
  }

  /**
   * The daemon's listing of `dir`, every name checked (domain/peer-path.ts): a name that is not
   * one path component, or one listed twice, is a hostile peer and fails the whole session
   * (PATH_ESCAPE, isPeerViolation) before anything is written under it.
   */
  async list(dir: RelPath, signal?: AbortSignal): Promise<DirListing> {
    throwIfCancelled(signal);
    const entries: DirEntry[] = [];
    const failures: DirListing["failures"][number][] = [];
    const seen = new Set<string>();
    const name = (u: Unchecked): string => {
      const n = checkName(u, `the daemon (${this.location})`);
      if (seen.has(n)) throw new BlitError("PATH_ESCAPE", `the daemon (${this.location}) listed '${displayName(n)}' twice in one directory: a hostile listing, refused`, { path: n, violation: "peer" });
      seen.add(n);
      return n;
    };
    try {
      for (const r of await this.call({ op: "list", path: this.full(dir) })) {
        if (r.kind !== "listing") continue;
        for (const e of r.entries) entries.push({ name: name(e.name), meta: e.meta });
        for (const f of r.failures) failures.push({ name: name(f.name), error: f.error });
      }
    } catch (e) {
      if (isBlitError(e) && isPeerViolation(e)) this.lost(e);
      throw e;
    }
    return { entries, failures };
  }

  read(path: RelPath, offset = 0): ReadableStream<Uint8Array> {
    const fileId = this.need(path, offset);
    return this.demux.stream(fileId, offset);
  }

  sourceChanged(path: RelPath): boolean {
    return this.s.changedPaths.size > 0 && this.s.changedPaths.delete(this.full(path));
  }

  readWhole(paths: readonly RelPath[], maxBytes: number): Promise<WholeRead[]> {
    return Promise.all(paths.map((p) => wholeOf(this.demux, this.need(p, 0), maxBytes)));
  }

  /** The file's bytes written into `target` (large payloads straight from the data connection). */
  readInto(path: RelPath, target: FileTarget, signal?: AbortSignal): Promise<{ bytes: number; zeroCopyBytes: number }> {
    // Aborted before asking: nothing to ask the daemon for.
    if (signal?.aborted) return Promise.reject(new BlitError("CANCELLED", "file read cancelled"));
    return this.demux.readInto(this.need(path, 0), target, signal);
  }

  /**
   * Cancelled through `signal` mid-file: the files not sent whole FAIL on the data plane
   * (send-files.ts sendWrite), the daemon's writes of them end with their previous versions
   * intact, and the write rejects with CANCELLED once the daemon answered. Already aborted:
   * nothing is asked.
   */
  async write(ops: readonly WriteOp[], signal?: AbortSignal): Promise<OpResult[]> {
    throwIfCancelled(signal);
    const from = ops.map((op) => op.resumeFrom ?? 0);
    const items: WriteItem[] = ops.map((op, i) => ({ fileId: this.s.nextFileId++, path: this.full(op.path), meta: op.meta, resume: op.resume === true, resumeFrom: from[i]! }));
    const replies = this.call({ op: "write", items });
    const files = ops.flatMap((op, i) => (op.meta.kind === "file" && op.bytes !== undefined ? [{ fileId: items[i]!.fileId, op, offset: from[i]! }] : []));
    const bytes = files.reduce((n, f) => n + f.op.meta.size - f.offset, 0);
    let zeroCopy = new Map<number, number>();
    const sent = this.lanes.then((lanes) =>
      lanes.run(bytes, async (sender) => {
        zeroCopy = await sendWrite(sender, files.map(({ fileId, op, offset }) => ({ fileId, bytes: op.bytes!, offset, size: op.meta.size })), signal);
      }),
    );
    sent.catch(() => {});
    const [r] = await replies;
    await sent;
    // The bytes this end sent zero-copy count for the file, unless the daemon counted more itself.
    const lanes = await this.lanes;
    const withSent = (x: OpResult, i: number): OpResult => {
      const changed = lanes.takeChanged(items[i]!.fileId) && x.error === undefined;
      return { ...x, path: ops[i]!.path, zeroCopyBytes: Math.max(x.zeroCopyBytes, x.error === undefined ? (zeroCopy.get(items[i]!.fileId) ?? 0) : 0), ...(changed ? { sourceChanged: true } : {}) };
    };
    return r?.kind === "results" ? r.results.map(withSent) : [];
  }

  async blockHashes(path: RelPath): Promise<Uint8Array[]> {
    const [r] = await this.call({ op: "blockHashes", path: this.full(path) });
    return r?.kind === "blockHashes" ? splitHashes(r.hashes) : [];
  }

  copiedBytes(): number {
    return this.s.meter;
  }

  async setMeta(entries: readonly MetaUpdate[]): Promise<OpResult[]> {
    const out: OpResult[] = [];
    for (const part of pieces(entries)) {
      const rs = results(await this.call({ op: "setMeta", entries: part.map((e) => ({ path: this.full(e.path), meta: e.meta })) }));
      out.push(...rs.map((r, i) => ({ ...r, path: part[i]!.path })));
    }
    return out;
  }

  /** HardLinks.link on the daemon's side; a refusal there (UNSUPPORTED) stays a loss of hard links. */
  async link(ops: readonly LinkOp[], signal?: AbortSignal): Promise<LinkResult[]> {
    throwIfCancelled(signal);
    const out: LinkResult[] = [];
    for (const part of pieces(ops)) {
      const rs = results(await this.call({ op: "link", links: part.map((l) => ({ path: this.full(l.path), to: this.full(l.to) })) }));
      out.push(...rs.map((r, i) => ({ ...r, path: part[i]!.path, ...(r.error?.code === "UNSUPPORTED" ? { error: fidelityLoss("hard-links", r.error.message) } : {}) })));
    }
    return out;
  }

  async remove(paths: readonly RelPath[], options?: { readonly onlyEmptyDirs?: boolean }): Promise<OpResult[]> {
    const out: OpResult[] = [];
    for (const part of pieces(paths)) {
      const rs = results(await this.call({ op: "remove", paths: part.map((p) => this.full(p)), onlyEmptyDirs: options?.onlyEmptyDirs === true }));
      out.push(...rs.map((r, i) => ({ ...r, path: part[i]! })));
    }
    return out;
  }

  /** SnapshotSteps: the daemon links and sets aside inside the module (PATH_ESCAPE past its root). */
  async snapshot(steps: readonly SnapshotStep[]): Promise<OpResult[]> {
    const out: OpResult[] = [];
    for (const part of pieces(steps)) {
      const rs = results(await this.call({ op: "snapshot", steps: part.map((st) => ({ how: st.how, from: this.full(st.from), to: this.full(st.to) })) }));
      out.push(...rs.map((r, i) => ({ ...r, path: part[i]!.to })));
    }
    return out;
  }

  async hash(path: RelPath, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfCancelled(signal);
    const [r] = await this.call({ op: "hash", path: this.full(path) });
    return r?.kind === "hash" ? r.hash : new Uint8Array();
  }

  async sync(): Promise<{ durable: boolean; reason?: string }> {
    const [r] = await this.call({ op: "sync" });
    return r?.kind === "sync" ? (r.durable ? { durable: true } : { durable: false, reason: r.reason }) : { durable: false };
  }

  /**
   * Ends the session's work at once with `e` (a stalled or cancelled run): requests in flight fail
   * and the data connections are closed, so nothing waits on bytes that do not move.
   */
  abandon(e: BlitError): void {
    this.lost(e);
  }

  /** Reserves `path` on the daemon for this session's writes; released when the session ends. */
  async claimDestination(path: RelPath, exclusive: boolean): Promise<AsyncDisposable> {
    await this.call({ op: "claim", path: this.full(path), exclusive });
    return { [Symbol.asyncDispose]: async () => {} };
  }

  /**
   * Bytes of the files read from the daemon that it sent zero-copy, once every read asked for was
   * answered (the daemon answers a read after its last record).
   */
  async readZeroCopyBytes(): Promise<number> {
    while (this.s.readsInFlight.size > 0) await Promise.allSettled([...this.s.readsInFlight]);
    return this.s.readZeroCopy;
  }

  /** Bytes received on the data plane (pull) or sent (push). */
  get dataBytes(): number {
    return this.demux.receivedBytes + (this.sent?.sentBytes ?? 0);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.owner) return;
    await this.lanes.then((l) => l.close(encodeEnd())).catch(() => {});
    this.table.closeAll(new BlitError("CANCELLED", "session closed"));
    await this.session[Symbol.asyncDispose]();
    const plane = await this.data.catch(() => null);
    for (const c of plane?.channels ?? []) await c[Symbol.asyncDispose]();
    // A lost or abandoned session is not waited for: its daemon may never end the call.
    if (this.s.failure === null) await this.pump.catch(() => {});
  }

  // --- internal ---

  private full(path: RelPath): RelPath {
    return this.prefix === "" ? path : path === "" ? this.prefix : `${this.prefix}/${path}`;
  }

  private call(request: StoreOp): Promise<StoreReply<Unchecked>[]> {
    if (this.s.failure !== null) return Promise.reject(this.s.failure);
    return this.table.call((id) => this.session.send({ t: "request", request: { ...request, id } as StoreRequest }));
  }

  /** Adds a file to the need list of this turn; its id. */
  private need(path: RelPath, offset: number): number {
    const fileId = this.s.nextFileId++;
    if (this.s.pendingReads.length === 0) queueMicrotask(() => this.flushReads());
    this.s.pendingReads.push({ fileId, path: this.full(path), offset });
    this.s.reading.set(fileId, this.full(path));
    if (this.s.pendingReads.length >= READ_BATCH_FILES) this.flushReads();
    return fileId;
  }

  /** The end of file `fileId` arrived: remembered by path when its source changed while read. */
  private ended(fileId: number): void {
    const path = this.s.reading.get(fileId);
    if (path === undefined) return;
    this.s.reading.delete(fileId);
    if (this.demux.changedIds.delete(fileId)) this.s.changedPaths.add(path);
  }

  private flushReads(): void {
    if (this.s.pendingReads.length === 0) return;
    const items = this.s.pendingReads;
    this.s.pendingReads = [];
    const done: Promise<void> = this.call({ op: "read", items })
      .then((replies) => {
        for (const r of results(replies)) this.s.readZeroCopy += r.zeroCopyBytes;
      })
      .catch((e: unknown) => this.demux.failAll(isBlitError(e) ? e : new BlitError("INTERNAL", String(e))))
      .finally(() => this.s.readsInFlight.delete(done));
    this.s.readsInFlight.add(done);
  }

  private async receive(): Promise<void> {
    try {
      for await (const m of this.session.incoming) {
        if (m.t === "meter") this.s.meter = m.bytes;
        else this.table.deliver(m.reply);
      }
      this.lost(new BlitError("PEER_CLOSED", `the daemon ended the session (${this.location})`));
    } catch (e) {
      this.lost(e);
    }
  }

  private lost(e: unknown): void {
    const err = isBlitError(e) ? e : new BlitError("PEER_CLOSED", String(e));
    this.s.failure ??= err;
    this.table.closeAll(err);
    this.demux.failAll(err);
    // The data connections go with the session: no send or receive waits on a peer that is gone.
    this.data.then((d) => Promise.all(d.channels.map((c) => c[Symbol.asyncDispose]()))).catch(() => {});
  }
}

/** `items` in requests of at most DAEMON_LIMITS.maxRequestItems (the most a daemon takes in one). */
function pieces<T>(items: readonly T[]): T[][] {
  const n = DAEMON_LIMITS.maxRequestItems;
  return Array.from({ length: Math.ceil(items.length / n) }, (_, k) => items.slice(k * n, (k + 1) * n));
}

function results(replies: StoreReply<Unchecked>[]): OpResult[] {
  const [r] = replies;
  return r?.kind === "results" ? [...r.results] : [];
}
