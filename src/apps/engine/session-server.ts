import { BlitError, isBlitError } from "../../domain/errors.ts";
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
  /** Rewrites errors for the client (hides server paths). */
  readonly scrub: (e: BlitError) => BlitError;
}

/**
 * Serves one session: runs each request against the scoped store (paths joined to the root, `..`
 * refused), sends files asked for on the data connections, feeds written bytes from them into the
 * store, and reports the file bytes this session received (its meter). Ends when the client ends
 * the control stream; a broken data connection fails only this session.
 */
export async function serveStoreSession(link: SessionLink, scope: SessionScope, channels: Promise<Channel[]>): Promise<void> {
  const demux = new FileDemux();
  const incoming = new IncomingFiles(demux);
  let lanes: SendLanes | null = null;
  const ready = channels.then((cs) => {
    lanes = new SendLanes(cs);
    for (const c of cs) demux.drain(c, link.signal).catch(() => {});
    return lanes;
  });
  ready.catch((e: unknown) => demux.failAll(isBlitError(e) ? e : new BlitError("PEER_CLOSED", String(e))));
  const running = new Set<Promise<void>>();
  /** Destinations this session reserved (claim requests), released when it ends. */
  const claims: AsyncDisposable[] = [];
  // The module's store is shared with other sessions: the meter counts this session's file bytes only.
  let lastMeter = 0;
  const meter = setInterval(() => {
    const now = demux.receivedBytes;
    if (now !== lastMeter) link.send({ t: "meter", bytes: now });
    lastMeter = now;
  }, METER_INTERVAL_MS);
  // A lost client (its call cancelled: gone, or frozen past the keepalive timeout) ends the session
  // at once: the writes waiting for its bytes fail (their temporaries are removed) and its data
  // connections are closed, whatever its kernel still holds open.
  const lost = new Promise<never>((_, reject) => {
    const onAbort = () => {
      const e = new BlitError("PEER_CLOSED", "the client's session was lost");
      demux.failAll(e);
      channels.then((cs) => Promise.all(cs.map((c) => c[Symbol.asyncDispose]()))).catch(() => {});
      reject(e);
    };
    if (link.signal.aborted) onAbort();
    else link.signal.addEventListener("abort", onAbort, { once: true });
  });
  lost.catch(() => {});
  try {
    const requests = link.incoming[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([requests.next(), lost]);
      if (next.done === true) break;
      const m = next.value;
      if (m.t !== "request") continue;
      while (running.size >= MAX_IN_FLIGHT) await Promise.race([...running, lost]);
      const p: Promise<void> = answer(m.request, scope, incoming, ready, link, claims).finally(() => running.delete(p));
      running.add(p);
    }
    await Promise.race([Promise.allSettled([...running]), lost]);
  } finally {
    clearInterval(meter);
    demux.failAll(new BlitError("CANCELLED", "session ended"));
    const open = lanes as SendLanes | null;
    if (open !== null && !link.signal.aborted) await open.close(new Uint8Array([0x1f])).catch(() => {});
    for (const c of claims.splice(0)) await Promise.resolve(c[Symbol.asyncDispose]()).catch(() => {});
  }
}

// --- internal ---

async function answer(req: StoreRequest, scope: SessionScope, incoming: IncomingFiles, lanes: Promise<SendLanes>, link: SessionLink, claims: AsyncDisposable[]): Promise<void> {
  const reply = (r: StoreAnswer & { last?: boolean }) => link.send({ t: "reply", reply: { last: true, ...r, id: req.id } as StoreReply });
  try {
    if (req.op === "claim") return await claim(req.path, req.exclusive, scope, claims, reply);
    await run(req, scope, incoming, lanes, reply);
  } catch (e) {
    const err = isBlitError(e) ? scope.scrub(e) : new BlitError("INTERNAL", `request failed: ${String(e)}`);
    reply({ kind: "error", error: err });
  }
}

type Reply = (r: StoreAnswer & { last?: boolean }) => void;

async function run(req: StoreRequest, scope: SessionScope, incoming: IncomingFiles, lanes: Promise<SendLanes>, reply: Reply): Promise<void> {
  const { store } = scope;
  const at = (p: RelPath) => inRoot(scope.root, p);
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
      const ops: WriteOp[] = req.items.map((i) => ({
        path: at(i.path),
        meta: i.meta,
        resume: i.resume,
        ...(i.resumeFrom > 0 ? { resumeFrom: i.resumeFrom } : {}),
        source: i.meta.kind === "file" ? incoming.source(i.fileId) : undefined,
      }));
      const results = await store.write(ops);
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: req.items[i]!.path, error: r.error && scope.scrub(r.error) })) });
    }
    case "setMeta": {
      need(scope.canWrite, "change attributes");
      const results = await store.setMeta(req.entries.map((e) => ({ path: at(e.path), meta: e.meta })));
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: req.entries[i]!.path, error: r.error && scope.scrub(r.error) })) });
    }
    case "remove": {
      need(scope.canRemove, "remove");
      if (req.paths.some((p) => at(p) === "")) throw new BlitError("PERMISSION_DENIED", "a module root is never removed");
      const results = await store.remove(req.paths.map(at), { onlyEmptyDirs: req.onlyEmptyDirs });
      return reply({ kind: "results", results: results.map((r, i) => ({ ...r, path: req.paths[i]!, error: r.error && scope.scrub(r.error) })) });
    }
    case "sync": {
      need(scope.canWrite, "sync");
      const s = await store.sync();
      return reply({ kind: "sync", durable: s.durable, reason: s.durable ? "" : "the daemon's filesystem could not be made durable" });
    }
  }
}

/** Reserves a destination of this session until it ends (Store.claimDestination). */
async function claim(path: RelPath, exclusive: boolean, scope: SessionScope, claims: AsyncDisposable[], reply: Reply): Promise<void> {
  need(scope.canWrite, "write");
  const held = await scope.store.claimDestination?.(inRoot(scope.root, path), exclusive);
  if (held !== undefined) claims.push(held);
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
async function read(items: readonly ReadItem[], scope: SessionScope, lanes: SendLanes, reply: Reply): Promise<void> {
  // The reply names the files that went zero-copy (the client's summary counts them).
  const results: OpResult[] = [];
  const pathOf = new Map(items.map((i) => [i.fileId, i.path]));
  const note = (zeroCopy: Map<number, number>) => {
    for (const [fileId, zeroCopyBytes] of zeroCopy) results.push({ path: pathOf.get(fileId) ?? "", bytes: 0, zeroCopyBytes });
  };
  await lanes.run(0, async (sender) => {
    const files: OutgoingFile[] = [];
    for (const item of items) {
      try {
        files.push({ fileId: item.fileId, store: scope.store, path: inRoot(scope.root, item.path), offset: item.offset, size: 0 });
      } catch (e) {
        note(await sendFiles(sender, files.splice(0)));
        await sender.fail(item.fileId, isBlitError(e) ? e : new BlitError("INTERNAL", String(e)));
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

/** `rel` inside `root`; `..`, absolute paths and NUL bytes are refused. */
function inRoot(root: RelPath, rel: RelPath): RelPath {
  if (rel.startsWith("/") || rel.includes("\0") || rel.split("/").includes("..")) {
    throw new BlitError("PATH_ESCAPE", `path '${rel}' leaves the session root`, { path: rel });
  }
  return rel === "" ? root : joinRel(root, rel);
}
