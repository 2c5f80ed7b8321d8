import { offers } from "../../domain/capability.ts";
import { DAEMON_LIMITS } from "../../domain/daemon-limits.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { checkPath, isPeerViolation, type PeerPath, type Unchecked } from "../../domain/peer-path.ts";
import { joinRel, type RelPath } from "../../domain/rel-path.ts";
import { joinHashes } from "../../domain/resume-prefix.ts";
import type { ReadItem, SessionLink, StoreAnswer, StoreReply, StoreRequest } from "../../ports/session.ts";
import type { BlockHashes, DestinationClaims, HardLinks, SnapshotSteps } from "../../ports/store-capabilities.ts";
import type { OpResult, Store, WriteOp } from "../../ports/store.ts";
import type { Channel } from "../../ports/transport.ts";
import type { FileBytes } from "../../ports/file-bytes.ts";
import { FileDemux } from "./file-demux.ts";
import { IncomingFiles } from "./incoming-files.ts";
import { QuietWatch, requestItems, tooManyItems } from "./session-guard.ts";
import { sendFiles, type OutgoingFile } from "./send-files.ts";
import { SendLanes } from "./send-lanes.ts";

/** Requests served at once; more wait (bounds memory per session). */
const MAX_IN_FLIGHT = 64;
/** Entries per listing reply. */
const LISTING_PIECE = 2048;
/** How often the meter (file bytes received) is sent while it moves. */
const METER_INTERVAL_MS = 250;

/** What one session may do on its store. */
export interface SessionScope {
  readonly store: Store;
  /** The session root inside the store. */
  readonly root: RelPath;
  /** Writes, metadata and sync (push). */
  readonly canWrite: boolean;
  /** Removals (push, or pull of a move). */
  readonly canRemove: boolean;
  /** Rewrites errors for the client (hides server paths): replies, listing failures, FAIL records. */
  readonly scrub: (e: BlitError) => BlitError;
  /** Told when the client hit a limit (a refused request, a closed data connection). */
  readonly warn?: (message: string) => void;
  /** A file of the store as the bytes the data plane sends, with the store's fast paths (the engine's storeBytes). */
  readonly bytesOf: (store: Store, path: RelPath) => FileBytes;
}

/**
 * Serves one session: runs each request against the scoped store (every path checked by
 * domain/peer-path.ts and joined to the root), sends files asked for on the data connections,
 * feeds written bytes from them into the store, and reports the file bytes this session received
 * (its meter). Ends when the client ends the control stream; a broken data connection fails only
 * this session. A path that breaks the rule is answered with its PATH_ESCAPE error and then ends
 * the session with that error.
 */
export async function serveStoreSession(link: SessionLink, scope: SessionScope, channels: Promise<Channel[]>): Promise<void> {
  const demux = new FileDemux();
  const incoming = new IncomingFiles(demux);
  let hostile: (e: BlitError) => void = () => {};
  const violated = new Promise<never>((_, reject) => (hostile = reject));
  violated.catch(() => {});
  let lanes: SendLanes | null = null;
  let drains: Promise<void>[] = [];
  let opened: readonly Channel[] = [];
  let ended = false;
  const ready = channels.then((cs) => {
    opened = cs;
    // Connections completed after the session ended are closed at once.
    if (ended) for (const c of cs) void c[Symbol.asyncDispose]();
    lanes = new SendLanes(cs, scope.scrub);
    drains = cs.map((c) => demux.drain(c, link.signal).catch((e: unknown) => overLimit(e, c, scope, hostile)));
    return lanes;
  });
  ready.catch((e: unknown) => demux.failAll(isBlitError(e) ? e : new BlitError("PEER_CLOSED", String(e))));
  const running = new Set<Promise<void>>();
  const watch = new QuietWatch();
  const gone = aborted(link.signal);
  let itemsRunning = 0;
  /** Destinations this session reserved (claim requests), released when it ends. */
  const claims: AsyncDisposable[] = [];
  let claimsAsked = 0;
  const book: ClaimBook = {
    take: () => ++claimsAsked <= DAEMON_LIMITS.maxClaimsPerSession,
    keep: (held) => (ended ? void held[Symbol.asyncDispose]() : claims.push(held)),
  };
  // The module's store is shared with other sessions: the meter counts this session's file bytes only.
  let lastMeter = 0;
  const meter = setInterval(() => {
    const now = demux.receivedBytes;
    if (now !== lastMeter) link.send({ t: "meter", bytes: now });
    lastMeter = now;
  }, METER_INTERVAL_MS);
  const messages = link.incoming[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([messages.next(), violated, watch.expired, gone]);
      if (next.done === true) break;
      const m = next.value;
      watch.heard(m.t === "request");
      if (m.t !== "request") continue;
      const req = m.request;
      const items = requestItems(req);
      if (items > DAEMON_LIMITS.maxRequestItems) {
        const refusal = tooManyItems(req, items);
        scope.warn?.(refusal.message);
        link.send({ t: "reply", reply: { last: true, kind: "error", error: refusal, id: req.id } as StoreReply });
        continue;
      }
      if (req.op === "write") demux.announce(req.items.map((i) => i.fileId));
      while (running.size >= MAX_IN_FLIGHT || (running.size > 0 && itemsRunning + items > DAEMON_LIMITS.maxSessionItemsInFlight)) {
        await Promise.race([Promise.race(running), violated, gone]);
      }
      itemsRunning += items;
      watch.started();
      const p: Promise<void> = answer(req, scope, incoming, ready, link, hostile, book).finally(() => {
        running.delete(p);
        itemsRunning -= items;
        watch.finished();
      });
      running.add(p);
    }
    await Promise.race([Promise.allSettled([...running]), violated, gone]);
  } catch (e) {
    // Not awaited: a generator waiting for the next message finishes only once the call ends.
    messages.return?.()?.catch(() => {});
    throw e;
  } finally {
    ended = true;
    watch.stop();
    clearInterval(meter);
    demux.failAll(new BlitError("CANCELLED", "session ended"));
    // The writes waiting for its bytes failed just now: what it claimed is free before the data
    // connections linger.
    for (const c of claims.splice(0)) await Promise.resolve(c[Symbol.asyncDispose]()).catch(() => {});
    // A lost client (its call cancelled: gone, or frozen past the keepalive timeout) is not waited
    // for: its data connections are closed at once, whatever its kernel still holds open.
    await closeData(link.signal.aborted ? null : lanes, link.signal.aborted ? [] : drains, opened);
  }
}

// --- internal ---

type Request = StoreRequest<Unchecked>;

async function answer(req: Request, scope: SessionScope, incoming: IncomingFiles, lanes: Promise<SendLanes>, link: SessionLink, hostile: (e: BlitError) => void, book: ClaimBook): Promise<void> {
  const reply = (r: StoreAnswer & { last?: boolean }) => link.send({ t: "reply", reply: { last: true, ...r, id: req.id } as StoreReply });
  try {
    if (req.op === "claim") return await claim(req.path, req.exclusive, scope, book, reply);
    await run(req, scope, incoming, lanes, reply);
  } catch (e) {
    const err = isBlitError(e) ? scope.scrub(e) : new BlitError("INTERNAL", `request failed: ${String(e)}`);
    reply({ kind: "error", error: err });
    if (isPeerViolation(err)) hostile(err);
  }
}

type Reply = (r: StoreAnswer & { last?: boolean }) => void;

async function run(req: Request, scope: SessionScope, incoming: IncomingFiles, lanes: Promise<SendLanes>, reply: Reply): Promise<void> {
  const { store } = scope;
  const at = (p: Unchecked) => inRoot(scope.root, p);
  switch (req.op) {
    case "stat":
      return reply({ kind: "stat", meta: await store.stat(at(req.path)) });
    case "hash":
      return reply({ kind: "hash", hash: await store.hash(at(req.path)) });
    case "blockHashes":
      return reply({ kind: "blockHashes", hashes: joinHashes(offers<BlockHashes>(store, "blockHashes") ? await store.blockHashes(at(req.path)) : []) });
    case "list":
      return listing(store, at(req.path), reply, scope);
    case "read":
      return read(req.items, scope, await lanes, reply);
    case "write": {
      need(scope.canWrite, "write");
      const paths = req.items.map((i) => at(i.path));
      const ops: WriteOp[] = req.items.map((i, k) => ({
        path: paths[k]!,
        meta: i.meta,
        resume: i.resume,
        ...(i.resumeFrom > 0 ? { resumeFrom: i.resumeFrom } : {}),
        ...(i.meta.kind === "file" ? { bytes: incoming.bytes(i.fileId) } : {}),
      }));
      const results = await store.write(ops);
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: paths[i]!, error: r.error && scope.scrub(r.error) })) });
    }
    case "setMeta": {
      need(scope.canWrite, "change attributes");
      const paths = req.entries.map((e) => at(e.path));
      const results = await store.setMeta(req.entries.map((e, i) => ({ path: paths[i]!, meta: e.meta })));
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: paths[i]!, error: r.error && scope.scrub(r.error) })) });
    }
    case "remove": {
      need(scope.canRemove, "remove");
      const paths = req.paths.map(at);
      // The paths are normalized: "", ".", "./" and "a/.." all name the root.
      if (paths.some((p) => p === "")) throw new BlitError("PERMISSION_DENIED", "a module root is never removed: name entries inside it");
      const results = await store.remove(paths, { onlyEmptyDirs: req.onlyEmptyDirs });
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: paths[i]!, error: r.error && scope.scrub(r.error) })) });
    }
    case "snapshot": {
      need(scope.canWrite, "write");
      if (req.steps.some((st) => st.how === "move-aside")) need(scope.canRemove, "remove");
      if (!offers<SnapshotSteps>(store, "snapshot")) throw new BlitError("UNSUPPORTED", "this daemon's store cannot link or set entries aside (--link-dest, --backup-dir)");
      const steps = req.steps.map((st) => ({ how: st.how, from: at(st.from), to: at(st.to) }));
      const results = await store.snapshot(steps);
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: steps[i]!.to, error: r.error && scope.scrub(r.error) })) });
    }
    case "link": {
      need(scope.canWrite, "link");
      const ops = req.links.map((l) => ({ path: at(l.path), to: at(l.to) }));
      const results: OpResult[] = offers<HardLinks>(store, "link") ? await store.link(ops) : ops.map((op) => ({ path: op.path, bytes: 0, zeroCopyBytes: 0, error: NO_LINKS }));
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: ops[i]!.path, error: r.error && scope.scrub(r.error) })) });
    }
    case "sync": {
      need(scope.canWrite, "sync");
      const s = await store.sync();
      return reply({ kind: "sync", durable: s.durable, reason: s.durable ? "" : "the daemon's filesystem could not be made durable" });
    }
  }
}

/** The session's destination claims: `take` a slot (false past the limit), `keep` what a claim holds until the end. */
interface ClaimBook {
  take(): boolean;
  keep(held: AsyncDisposable): void;
}

/** Reserves a destination of this session until it ends (DestinationClaims.claimDestination). */
async function claim(path: Unchecked, exclusive: boolean, scope: SessionScope, book: ClaimBook, reply: Reply): Promise<void> {
  need(scope.canWrite, "write");
  const max = DAEMON_LIMITS.maxClaimsPerSession;
  if (!book.take()) throw new BlitError("USAGE", `a session may claim at most ${max} destinations (a run claims one)`, { limit: "maxClaimsPerSession", max });
  const held = offers<DestinationClaims>(scope.store, "claimDestination") ? await scope.store.claimDestination(inRoot(scope.root, path), exclusive) : undefined;
  if (held !== undefined) book.keep(held);
  reply({ kind: "results", results: [] });
}

async function listing(store: Store, dir: RelPath, reply: Reply, scope: SessionScope): Promise<void> {
  const l = await store.list(dir);
  const failures = l.failures.map((f) => ({ name: f.name, error: scope.scrub(f.error) }));
  if (l.entries.length <= LISTING_PIECE) return reply({ kind: "listing", entries: l.entries, failures });
  for (let i = 0; i < l.entries.length; i += LISTING_PIECE) {
    const last = i + LISTING_PIECE >= l.entries.length;
    reply({ kind: "listing", entries: l.entries.slice(i, i + LISTING_PIECE), failures: last ? failures : [], last });
  }
}

/** Sends the files asked for; the reply (after the last record) gives each file's zero-copy bytes. */
async function read(items: readonly ReadItem<Unchecked>[], scope: SessionScope, lanes: SendLanes, reply: Reply): Promise<void> {
  // The reply names the files that went zero-copy (the client's summary counts them).
  const results: OpResult[] = [];
  const pathOf = new Map<number, RelPath>();
  const note = (zeroCopy: Map<number, number>) => {
    for (const [fileId, zeroCopyBytes] of zeroCopy) results.push({ path: pathOf.get(fileId) ?? "", bytes: 0, zeroCopyBytes });
  };
  await lanes.run(0, async (sender) => {
    const files: OutgoingFile[] = [];
    for (const item of items) {
      try {
        const path = inRoot(scope.root, item.path);
        pathOf.set(item.fileId, path);
        files.push({ fileId: item.fileId, bytes: scope.bytesOf(scope.store, path), offset: item.offset, size: 0 });
      } catch (e) {
        note(await sendFiles(sender, files.splice(0)));
        await sender.fail(item.fileId, isBlitError(e) ? e : new BlitError("INTERNAL", String(e)));
        if (isBlitError(e) && isPeerViolation(e)) throw e;
      }
    }
    note(await sendFiles(sender, files));
    await sender.flush();
    // The client learns of a changed source from the EOF flag; nothing here keeps it.
    for (const item of items) sender.changed.delete(item.fileId);
  });
  reply({ kind: "results", results });
}

/**
 * Ends the session's data connections: END on each (bounded: a peer that does not read gets
 * DAEMON_LIMITS.dataLingerMs), then waits as long for the peer's END, then closes them.
 */
async function closeData(lanes: SendLanes | null, drains: readonly Promise<void>[], opened: readonly Channel[]): Promise<void> {
  if (lanes !== null) await linger(lanes.close(new Uint8Array([0x1f])));
  await linger(Promise.allSettled(drains));
  await Promise.allSettled(opened.map((c) => c[Symbol.asyncDispose]()));
}

/** Waits for `p`, at most DAEMON_LIMITS.dataLingerMs. */
async function linger(p: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, DAEMON_LIMITS.dataLingerMs)));
  await Promise.race([p.then(() => {}, () => {}), late]);
  clearTimeout(timer);
}

/** A data connection that broke a limit: logged, closed, and the session fails with the reason. */
function overLimit(e: unknown, channel: Channel, scope: SessionScope, fail: (e: BlitError) => void): void {
  if (!isBlitError(e) || e.details.limit === undefined) return;
  scope.warn?.(`data connection closed: ${e.message}`);
  void channel[Symbol.asyncDispose]();
  fail(e);
}

/** Rejects with CANCELLED once `signal` aborts (the client went away). */
function aborted(signal: AbortSignal): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    const stop = () => reject(new BlitError("CANCELLED", "the client went away"));
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  p.catch(() => {});
  return p;
}

/** The answer of a store that makes no hard links: the client writes copies. */
const NO_LINKS = new BlitError("UNSUPPORTED", "this daemon's store makes no hard links", { kind: "hard-links" });

function need(allowed: boolean, what: string): void {
  if (!allowed) throw new BlitError("READ_ONLY", `this session may not ${what}: the module is read-only or the session reads only`);
}

/** `rel` checked (domain/peer-path.ts) and joined to `root`. */
function inRoot(root: RelPath, rel: Unchecked): PeerPath {
  const path = checkPath(rel, "the session root");
  return (path === "" ? root : joinRel(root, path)) as PeerPath;
}
