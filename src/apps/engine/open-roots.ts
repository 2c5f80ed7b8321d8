import { parseTransferEnd, type LocalEndpoint } from "../../domain/endpoint.ts";
import type { EntryKind, EntryMeta } from "../../domain/entry.ts";
import { BlitError } from "../../domain/errors.ts";
import { displayName } from "../../domain/rel-path.ts";
import { overlaps, resolveRoots } from "../../domain/transfer-roots.ts";
import type { TransferSummary } from "../../domain/summary.ts";
import type { Store } from "../../ports/store.ts";
import type { Channel } from "../../ports/transport.ts";
import type { EngineDeps } from "./engine-deps.ts";
import { remoteLabel } from "../../domain/remote-label.ts";
import type { RemoteStore } from "../../ports/remote-store.ts";
import { StoreView } from "./store-view.ts";
import { runThrottle, throttledChannel, type RunThrottle } from "./throttle.ts";
import type { StoreEnd, TransferEnd, TransferRequest } from "./transfer-request.ts";
import type { SnapshotAnchor } from "./snapshot.ts";
import { refuseBackupOverlap, snapshotAnchor } from "./snapshot-anchor.ts";

interface Common {
  readonly source: Store;
  readonly dest: Store;
  readonly sourceRootMeta: EntryMeta;
  readonly destRootExists: boolean;
  /** The destination root as found before the run (null: absent). */
  readonly destRootMeta: EntryMeta | null;
  /** The source was given as `dir/`: its root directory itself stays after a move. */
  readonly sourceContentsOnly: boolean;
  readonly route: TransferSummary["route"];
  /** The daemon sessions opened (closed by `close`), for transport facts. */
  readonly peers: readonly RemoteStore[];
  /** The source end's daemon session when the source is remote (its data bytes are the run's progress). */
  readonly sourcePeer: RemoteStore | null;
  /** Where --link-dest and --backup-dir trees are found (null without them). */
  readonly anchor: SnapshotAnchor | null;
  /** --bwlimit's pacing (null: no limit); the sessions' data connections use it already. */
  readonly throttle: RunThrottle | null;
  close(): Promise<void>;
}

/** The two stores of a transfer and what the trailing-slash rules made of the paths. */
export type OpenedRoots =
  | (Common & { readonly mode: "tree" })
  | (Common & { readonly mode: "file"; readonly sourceName: string; readonly destName: string; readonly destMeta: EntryMeta | null });

/**
 * Parses both ends, applies the trailing-slash table (SPEC §2) — asking the daemon what a remote
 * path is —, refuses overlapping trees and opens a Store for each side (a daemon session for a
 * remote end). Throws NOT_FOUND for a missing source, USAGE for bad combinations.
 */
export async function openRoots(req: TransferRequest, deps: EngineDeps): Promise<OpenedRoots> {
  const parse = { home: deps.home, cwd: deps.cwd };
  const srcEnd = req.ends?.source ?? parseTransferEnd(req.source, parse);
  const dstEnd = req.ends?.destination ?? parseTransferEnd(req.destination, parse);
  const peers: RemoteStore[] = [];
  const throttle = runThrottle(req.bwlimit);
  const opened: AsyncDisposable[] = [];
  const close = async () => {
    for (const p of [...peers.splice(0), ...opened.splice(0)]) await p[Symbol.asyncDispose]();
  };
  try {
    // Both ends at once (two daemons: two sessions opening in parallel), then their stats at once.
    const [src, dst] = await settledAll([side(srcEnd, "pull", req, deps, peers, throttle), side(dstEnd, "push", req, deps, peers, throttle)]);
    const [srcMeta, dstMeta, dstOwn] = await settledAll([src.statFollowing(src.path, src.contentsOnly), dst.statFollowing(dst.path, true), dst.lstat(dst.path)]);
    if (srcMeta === null) throw new BlitError("NOT_FOUND", `source not found: ${displayName(req.source)}`, { path: req.source });
    const roots = resolveRoots(src, dst, { sourceKind: srcMeta.kind, destKind: kindOrDangling(dstMeta, dstOwn) });
    const from = roots.mode === "tree" ? roots.sourceDir : join(roots.sourceDir, roots.sourceName ?? "");
    const to = roots.mode === "tree" ? roots.destDir : join(roots.destDir, roots.destName ?? "");
    if (src.place === dst.place && overlaps(src.canonical(from), dst.canonical(to))) {
      throw new BlitError("USAGE", `source ${displayName(req.source)} and destination ${displayName(req.destination)} overlap (one is inside the other): choose a destination outside the source`);
    }
    const source = src.open(roots.sourceDir, "source");
    const dest = dst.open(roots.destDir, "destination");
    const destRoot = await dest.stat("");
    if (destRoot === null && !req.dryRun && dst.place !== "local") await makeParents(dst, roots.destDir, srcMeta);
    const route = routeOf(srcEnd, dstEnd);
    const anchor = (req.linkDest?.length ?? 0) > 0 || req.backupDir !== undefined ? snapshotAnchor(req, dst, roots.destDir, opened) : null;
    if (anchor !== null && req.backupDir !== undefined) refuseBackupOverlap(req, anchor, src.place === dst.place ? src.canonical(from) : null, dst.canonical(to));
    const common = { source, dest, destRootExists: destRoot?.kind === "dir", destRootMeta: destRoot, sourceContentsOnly: src.contentsOnly, route, peers, sourcePeer: src.peer ?? null, anchor, throttle, close } as const;
    if (roots.mode === "tree") return { ...common, mode: "tree", sourceRootMeta: srcMeta };
    const destName = roots.destName ?? "";
    const destMeta = common.destRootExists ? await dest.stat(destName) : null;
    return { ...common, mode: "file", sourceRootMeta: srcMeta, sourceName: roots.sourceName ?? "", destName, destMeta };
  } catch (e) {
    await close();
    throw e;
  }
}

// --- internal ---

/** One end, local or remote, with what root resolution needs of it. */
interface Side {
  readonly path: string;
  readonly contentsOnly: boolean;
  readonly trailingSlash: boolean;
  /** Where the paths live: "local", or the daemon and module. */
  readonly place: string;
  /** The daemon session of a remote end. */
  readonly peer?: RemoteStore;
  lstat(path: string): Promise<EntryMeta | null>;
  statFollowing(path: string, follow: boolean): Promise<EntryMeta | null>;
  canonical(path: string): string;
  open(dir: string, role: "source" | "destination"): Store;
  /** The store holding this side's whole place (local: `/`; a daemon: its module root), opened once. */
  whole(): Store;
}

async function side(end: TransferEnd, role: "push" | "pull", req: TransferRequest, deps: EngineDeps, peers: RemoteStore[], throttle: RunThrottle | null): Promise<Side> {
  if (end.kind === "local") return localSide(end, deps);
  if (end.kind === "store") return storeSide(end);
  const move = role === "pull" && req.verb === "move";
  const pace = throttle === null ? null : (c: Channel) => throttledChannel(c, throttle);
  const peer = await (await deps.remoteStores()).open(end, { role, move, forceGrpcData: req.forceGrpcData === true, maxStreams: deps.dataStreams ?? 0, pace, signal: deps.signal });
  peers.push(peer);
  const rel = (p: string) => p.replace(/^\/+/, "");
  // lstat and statFollowing ask the same question of a daemon (it never follows): ask it once.
  const asked = new Map<string, Promise<EntryMeta | null>>();
  const stat = (p: string) => asked.get(rel(p)) ?? asked.set(rel(p), peer.stat(rel(p))).get(rel(p))!;
  return {
    path: `/${end.path}`,
    contentsOnly: end.contentsOnly,
    trailingSlash: end.trailingSlash,
    place: `${end.host}:${end.port}:${end.module ?? ""}`,
    peer,
    lstat: stat,
    statFollowing: stat,
    canonical: (p) => p,
    open: (dir) => peer.at(rel(dir), remoteLabel(end, rel(dir))),
    whole: () => peer,
  };
}

/** A store of this process: asked like a daemon (it never follows a symlink), opened as a view. */
function storeSide(end: StoreEnd): Side {
  const rel = (p: string) => p.replace(/^\/+/, "");
  const stat = (p: string) => end.store.stat(rel(p));
  return {
    path: `/${end.path}`,
    contentsOnly: end.trailingSlash,
    trailingSlash: end.trailingSlash,
    place: end.label,
    lstat: stat,
    statFollowing: stat,
    canonical: (p) => p,
    open: (dir) => new StoreView(end.store, rel(dir), `${end.label}:/${rel(dir)}`),
    whole: () => end.store,
  };
}

/** How the bytes go: `delegated` when this process pulls from a daemon into a store of its own. */
function routeOf(src: TransferEnd, dst: TransferEnd): TransferSummary["route"] {
  if (src.kind !== "remote") return dst.kind === "remote" ? "push" : "local";
  if (dst.kind === "local") return "pull";
  return dst.kind === "store" ? "delegated" : "remote";
}

function localSide(end: LocalEndpoint, deps: EngineDeps): Side {
  const lstat = async (abs: string): Promise<EntryMeta | null> => {
    await using store = deps.openStore(abs, "source");
    return store.stat("");
  };
  return {
    path: end.path,
    contentsOnly: end.contentsOnly,
    trailingSlash: end.trailingSlash,
    place: "local",
    lstat,
    statFollowing: async (abs, follow) => {
      const meta = await lstat(abs);
      if (meta === null || meta.kind !== "symlink" || !follow) return meta;
      const target = deps.canonicalPath(abs);
      return target === abs ? null : lstat(target);
    },
    canonical: (p) => deps.canonicalPath(p),
    open: (dir, role) => deps.openStore(dir, role),
    whole: () => deps.openStore("/", "source"),
  };
}

/**
 * Creates the missing directories above a daemon's (or module store's) destination root, as a
 * local destination's `mkdir -p` does: `dir host:/m/a/b/` with `a/b` missing creates `a` and
 * `a/b`. One that exists as something other than a directory is NOT_FOUND, as locally (never replaced).
 */
async function makeParents(dst: Side, destDir: string, like: EntryMeta): Promise<void> {
  const names = destDir.split("/").filter((s) => s !== "");
  const meta: EntryMeta = { kind: "dir", size: 0, mtimeNs: like.mtimeNs, mode: 0o755, uid: like.uid, gid: like.gid };
  let missing = false;
  for (let i = 1; i < names.length; i++) {
    const path = names.slice(0, i).join("/");
    if (!missing) {
      const there = await dst.lstat(`/${path}`);
      if (there?.kind === "dir") continue;
      if (there !== null) throw new BlitError("NOT_FOUND", `cannot create directory ${displayName(names.join("/"))}: a parent is not a directory (${displayName(path)} is a ${there.kind})`, { path });
      missing = true;
    }
    const [r] = await dst.open(`/${names.slice(0, i - 1).join("/")}`, "destination").write([{ path: names[i - 1]!, meta }]);
    if (r?.error !== undefined) throw r.error;
  }
}

/** Like Promise.all, but rejects only once every promise settled (so nothing opened is left behind). */
async function settledAll<T extends readonly unknown[]>(ps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(ps);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

const join = (dir: string, name: string): string => (dir === "" || dir === "/" ? `${dir}${name}` : `${dir}/${name}`);

function kindOrDangling(followed: EntryMeta | null, own: EntryMeta | null): EntryKind | null {
  if (followed !== null) return followed.kind;
  return own === null ? null : own.kind;
}
