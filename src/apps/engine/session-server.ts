import { BlitError, isBlitError } from "../../domain/errors.ts";
import { checkPath, isPeerViolation, type PeerPath, type Unchecked } from "../../domain/peer-path.ts";
import { joinRel, type RelPath } from "../../domain/rel-path.ts";
import { joinHashes } from "../../domain/resume-prefix.ts";
import type { ReadItem, SessionLink, StoreAnswer, StoreReply, StoreRequest } from "../../ports/session.ts";
import type { OpResult, Store, WriteOp } from "../../ports/store.ts";
import type { Channel } from "../../ports/transport.ts";
import { FileDemux } from "./file-demux.ts";
import { IncomingFiles } from "./incoming-files.ts";
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
  let lanes: SendLanes | null = null;
  const ready = channels.then((cs) => {
    lanes = new SendLanes(cs, scope.scrub);
    for (const c of cs) demux.drain(c, link.signal).catch(() => {});
    return lanes;
  });
  ready.catch((e: unknown) => demux.failAll(isBlitError(e) ? e : new BlitError("PEER_CLOSED", String(e))));
  const running = new Set<Promise<void>>();
  // The module's store is shared with other sessions: the meter counts this session's file bytes only.
  let lastMeter = 0;
  const meter = setInterval(() => {
    const now = demux.receivedBytes;
    if (now !== lastMeter) link.send({ t: "meter", bytes: now });
    lastMeter = now;
  }, METER_INTERVAL_MS);
  let hostile: (e: BlitError) => void = () => {};
  const violated = new Promise<never>((_, reject) => (hostile = reject));
  violated.catch(() => {});
  const messages = link.incoming[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([messages.next(), violated]);
      if (next.done === true) break;
      const m = next.value;
      if (m.t !== "request") continue;
      while (running.size >= MAX_IN_FLIGHT) await Promise.race([Promise.race(running), violated]);
      const p: Promise<void> = answer(m.request, scope, incoming, ready, link, hostile).finally(() => running.delete(p));
      running.add(p);
    }
    await Promise.race([Promise.allSettled([...running]), violated]);
  } catch (e) {
    // Not awaited: a generator waiting for the next message finishes only once the call ends.
    messages.return?.()?.catch(() => {});
    throw e;
  } finally {
    clearInterval(meter);
    demux.failAll(new BlitError("CANCELLED", "session ended"));
    const open = lanes as SendLanes | null;
    if (open !== null) await open.close(new Uint8Array([0x1f])).catch(() => {});
  }
}

// --- internal ---

type Request = StoreRequest<Unchecked>;

async function answer(req: Request, scope: SessionScope, incoming: IncomingFiles, lanes: Promise<SendLanes>, link: SessionLink, hostile: (e: BlitError) => void): Promise<void> {
  const reply = (r: StoreAnswer & { last?: boolean }) => link.send({ t: "reply", reply: { last: true, ...r, id: req.id } as StoreReply });
  try {
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
      return reply({ kind: "blockHashes", hashes: joinHashes((await store.blockHashes?.(at(req.path))) ?? []) });
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
        source: i.meta.kind === "file" ? incoming.source(i.fileId) : undefined,
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
    case "sync": {
      need(scope.canWrite, "sync");
      const s = await store.sync();
      return reply({ kind: "sync", durable: s.durable, reason: s.durable ? "" : "the daemon's filesystem could not be made durable" });
    }
  }
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
        files.push({ fileId: item.fileId, store: scope.store, path, offset: item.offset, size: 0 });
      } catch (e) {
        note(await sendFiles(sender, files.splice(0)));
        await sender.fail(item.fileId, isBlitError(e) ? e : new BlitError("INTERNAL", String(e)));
        if (isBlitError(e) && isPeerViolation(e)) throw e;
      }
    }
    note(await sendFiles(sender, files));
    await sender.flush();
  });
  reply({ kind: "results", results });
}

function need(allowed: boolean, what: string): void {
  if (!allowed) throw new BlitError("READ_ONLY", `this session may not ${what}: the module is read-only or the session reads only`);
}

/** `rel` checked (domain/peer-path.ts) and joined to `root`. */
function inRoot(root: RelPath, rel: Unchecked): PeerPath {
  const path = checkPath(rel, "the session root");
  return (path === "" ? root : joinRel(root, path)) as PeerPath;
}
