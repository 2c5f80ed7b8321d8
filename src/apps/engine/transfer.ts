import { offers } from "../../domain/capability.ts";
import { decideDeletions } from "../../domain/deletion-gate.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { compileFilter } from "../../domain/filter.ts";
import { itemizeDeletion } from "../../domain/itemize.ts";
import { mtimeGranularity } from "../../domain/compare.ts";
import type { PlanOptions } from "../../domain/plan.ts";
import { depthRel, displayName, type RelPath } from "../../domain/rel-path.ts";
import type { TransferSummary } from "../../domain/summary.ts";
import type { DestinationClaims, WriteProgress } from "../../ports/store-capabilities.ts";
import type { Store } from "../../ports/store.ts";
import type { EngineDeps } from "./engine-deps.ts";
import { contentsOf, emptiedBy } from "./deletion-contents.ts";
import { removeMovedSources } from "./move-sources.ts";
import { openRoots, type OpenedRoots } from "./open-roots.ts";
import { RunStats, STALL_MS } from "./run-stats.ts";
import { delegate } from "./delegation.ts";
import { buildSummary } from "./summary-build.ts";
import type { TransferRequest } from "./transfer-request.ts";
import { TreeSync } from "./tree-sync.ts";
import { Snapshot } from "./snapshot.ts";

/**
 * Runs copy, mirror or move on any route (SPEC §3). Per-entry failures end up in the summary
 * (outcome "partial"); whole-run failures throw BlitError. Deletions (mirror) and source removal
 * (move) happen only after every write landed, the scan was complete and the destination was made
 * durable. Remote→remote is first offered to the destination daemon as a delegated pull; when it
 * refuses, the bytes are relayed through this process with one warning saying why.
 */
export async function runTransfer(req: TransferRequest, deps: EngineDeps): Promise<TransferSummary> {
  // undefined: offer delegation; otherwise relay remote→remote, with this reason (null: none given).
  let relay: string | null | undefined;
  const once = async (r: TransferRequest, d: EngineDeps): Promise<TransferSummary> => {
    if (relay === undefined) {
      const outcome = await delegate(r, d);
      if (outcome !== null && "summary" in outcome) return outcome.summary;
      relay = outcome === null ? null : outcome.relay;
    }
    return runOnce(r, d, relay);
  };
  if (req.verb === "move" && !req.dryRun && deps.confirm !== null) {
    const ok = await deps.confirm(`Move ${req.source} to ${req.destination}, removing the source entries that land?`);
    if (!ok) throw new BlitError("NOT_CONFIRMED", "move not confirmed: nothing changed (pass --yes to skip the question)");
  }
  if (req.verb === "mirror" && !req.dryRun && deps.confirm !== null) {
    const preview = await once({ ...req, dryRun: true }, { ...deps, reporter: QUIET });
    if (preview.entries_deleted > 0) {
      const ok = await deps.confirm(`Mirror will delete ${preview.entries_deleted} ${preview.entries_deleted === 1 ? "entry" : "entries"} in ${req.destination}. Proceed?`);
      if (!ok) throw new BlitError("NOT_CONFIRMED", "mirror not confirmed: nothing changed (pass --yes to skip the question)");
    }
  }
  return once(req, deps);
}

// --- internal ---

const QUIET = { progress() {}, item() {}, warn() {} };

async function runOnce(req: TransferRequest, deps: EngineDeps, relayReason: string | null): Promise<TransferSummary> {
  const stats = new RunStats(() => deps.now(), deps.reporter, req.timeoutSec === undefined ? STALL_MS : Math.round(req.timeoutSec * 1000));
  const roots = await openRoots(req, deps);
  await using _peers = { [Symbol.asyncDispose]: () => roots.close() };
  await using _src = roots.source;
  await using _dst = roots.dest;
  await using _claim = req.dryRun ? null : await claimDestination(roots);
  // The walk starts while the data connections are still being opened (a no-op never needs them).
  const plane = dataPlaneOf(roots).then((data) => {
    if (data.transport === "grpc" && data.fallbackReason !== null && !req.forceGrpcData && !data.forced) deps.reporter.warn(`file data goes over gRPC: ${data.fallbackReason}`);
    return data;
  });
  plane.catch(() => {});
  if (roots.route === "remote") {
    const why = relayReason ?? "the daemons do not send to each other directly";
    deps.reporter.warn(`remote to remote: ${why}; relaying: the file data passes through this machine`);
  }
  const plan: PlanOptions = {
    compare: req.compare,
    ignoreExisting: req.ignoreExisting,
    mirror: req.verb === "mirror",
    filter: compileFilter(req.filter),
    mtimeGranularityNs: mtimeGranularity(roots.source.capabilities.nanosecondTimes, roots.dest.capabilities.nanosecondTimes),
    owners: roots.dest.capabilities.owners,
    ...(req.verb === "mirror" && req.deleteExcluded === true && {
      deleteExcluded: {
        scope: compileFilter({ ...req.filter, rules: [] }),
        claims: compileFilter({ rules: req.filter.rules, filesFrom: null, minSize: null, maxSize: null }),
      },
    }),
  };
  const meter = runMeter(roots);
  const meterBase = meter();
  stats.liveBytes = () => meter() - meterBase;
  const snapshot = await Snapshot.open(req, roots.anchor, deps.reporter);
  const sync = new TreeSync(roots.source, roots.dest, deps.planner, { plan, dryRun: req.dryRun, resume: req.resume, verified: roots.route !== "local" && !req.dryRun, pace: roots.peers.length === 0 && !req.dryRun ? roots.throttle?.sent : null, snapshot }, stats, deps.reporter, deps.signal);
  // A stalled or cancelled run also drops its sessions' data connections: a send or receive that
  // waits on a link carrying nothing (a black hole, a peer that stopped reading) ends with it.
  const abort = (e: BlitError) => {
    sync.abort(e);
    for (const p of roots.peers) p.abandon(e);
  };
  const onAbort = () => {
    stats.cancel();
    abort(new BlitError("CANCELLED", "cancelled by the user"));
  };
  deps.signal.addEventListener("abort", onAbort);
  stats.start((e) => abort(roots.peers.length === 0 ? e : new BlitError(e.code, `${e.message}, waiting on ${roots.peers.map((p) => p.location).join(" and ")}`, e.details)));
  let withheld: string | null = null;
  try {
    stats.phase = "copy";
    await runTree(sync, roots);
    stats.scanComplete = true;
    withheld = await deleteExtraneous(req, sync, roots.dest, stats, deps, snapshot);
    if (!req.dryRun) await finish(sync, roots.dest, stats, deps);
    if (req.verb === "move" && stats.failures.length === 0) {
      stats.phase = "delete";
      await removeMovedSources(roots, plan, deps, stats, req.dryRun);
    }
    // The daemons' sendfile bytes of pulled files; the same bytes may also have been spliced here.
    let sentZeroCopy = 0;
    for (const peer of roots.peers) sentZeroCopy += await peer.readZeroCopyBytes();
    stats.zeroCopyBytes = Math.max(stats.zeroCopyBytes, sentZeroCopy);
  } catch (e) {
    // A failed run closes its sessions' data connections first: closing them gracefully would wait
    // for a flush that a frozen peer or a dead link never takes.
    for (const p of roots.peers) p.abandon(isBlitError(e) ? e : new BlitError("CANCELLED", "the run failed"));
    throw withPhase(e, stats.phase);
  } finally {
    stats.stop();
    deps.signal.removeEventListener("abort", onAbort);
  }
  const data = await plane;
  return buildSummary(req, stats, withheld, { route: roots.route, transport: data.transport, fallbackReason: data.fallbackReason, tls: data.tls });
}

/**
 * One run per destination: holds the destination directory (exclusively for a tree) so that a
 * second run writing into it, inside it or around it is refused with BUSY. A tree destination that
 * does not exist yet is created first, so runs into sibling new directories do not hold their
 * common parent (the walk finds it empty and gives it its final attributes as usual).
 */
async function claimDestination(roots: OpenedRoots): Promise<AsyncDisposable | null> {
  const dest = roots.dest;
  if (!offers<DestinationClaims>(dest, "claimDestination")) return null;
  const tree = roots.mode === "tree";
  if (tree && !roots.destRootExists) {
    const [made] = await dest.write([{ path: "", meta: roots.sourceRootMeta }]);
    // Not created: the walk reports why; hold what exists above it meanwhile.
    if (made === undefined || made.error !== undefined) return dest.claimDestination("", false);
  }
  return dest.claimDestination("", tree);
}

/** A lost peer's error says in which phase the run lost it (SPEC §4), unless it already does. */
function withPhase(e: unknown, phase: string): unknown {
  if (!(e instanceof BlitError) || (e.code !== "PEER_CLOSED" && e.code !== "TIMEOUT") || e.details.phase !== undefined) return e;
  return new BlitError(e.code, `${e.message} (in the ${phase} phase)`, { ...e.details, phase }, { cause: e });
}

/** How the bytes of this run travel: locally, or the data plane of its daemon session(s). */
async function dataPlaneOf(roots: OpenedRoots): Promise<{ transport: "local" | "tcp" | "grpc" | "rdma"; fallbackReason: string | null; forced: boolean; tls: boolean }> {
  const planes = await Promise.all(roots.peers.map((p) => p.data));
  const tls = planes.length > 0 && planes.every((d) => d.channels.every((c) => c.encrypted === true));
  const grpc = planes.find((d) => d.transport === "grpc");
  if (grpc !== undefined) return { transport: "grpc", fallbackReason: grpc.fallbackReason, forced: grpc.fallbackReason?.includes("--force-grpc-data") === true, tls };
  if (planes.length === 0) return { transport: "local", fallbackReason: null, forced: false, tls };
  // RDMA that failed before the first byte falls back to TCP silently; the summary says why.
  const rdma = planes.every((d) => d.transport === "rdma");
  return { transport: rdma ? "rdma" : "tcp", fallbackReason: planes.find((d) => d.fallbackReason !== null)?.fallbackReason ?? null, forced: false, tls };
}

/**
 * The bytes this run moved so far, for progress: those received from the source daemon (pull), else
 * the destination's meter (a daemon's counts this session only). A daemon's own module store is
 * shared with other sessions, so a delegated pull never reads its meter.
 */
function runMeter(roots: OpenedRoots): () => number {
  const peer = roots.sourcePeer;
  if (peer !== null) return () => peer.dataBytes;
  const dest = roots.dest;
  return offers<WriteProgress>(dest, "copiedBytes") ? () => dest.copiedBytes() : () => 0;
}

async function runTree(sync: TreeSync, roots: OpenedRoots): Promise<void> {
  if (roots.mode === "tree") return sync.run(roots.sourceRootMeta, roots.destRootExists);
  return sync.runSingle(roots.sourceName, roots.destName, roots.sourceRootMeta, roots.destMeta, roots.destRootExists);
}

/**
 * A mirror's deletion phase: counts every entry the deletions remove (directory contents
 * included) against --max-delete, names each one (-v, -n), then deletes — in a dry run only
 * counts — and writes the entries that replace a destination directory.
 */
async function deleteExtraneous(req: TransferRequest, sync: TreeSync, dest: Store, stats: RunStats, deps: EngineDeps, snapshot: Snapshot | null): Promise<string | null> {
  // With --backup-dir a deletion moves the entry into the backup tree instead.
  const remove = (paths: RelPath[]) => (snapshot?.backingUp === true ? snapshot.moveAside(paths) : dest.remove(paths));
  const listed = sync.deletionPaths.length + sync.replacements.length + sync.prunedDirs.length;
  if (req.verb !== "mirror" || listed === 0) return null;
  const dirs = new Set<RelPath>([...sync.deletionDirs, ...sync.replacements.map((r) => r.path)]);
  const contents = await contentsOf(dest, [...dirs], deps.signal, dirs);
  let inside = 0;
  for (const paths of contents.values()) inside += paths.length;
  const gate = decideDeletions({
    scanComplete: !sync.scanIncomplete,
    failedEntries: stats.failures.length,
    interrupted: false,
    planned: listed + inside,
    maxDelete: req.maxDelete,
  });
  if (!gate.allowed) {
    if (stats.failures.length === 0) stats.fail("", new BlitError(gate.code, gate.reason));
    return gate.reason;
  }
  stats.phase = "delete";
  const weight = (path: RelPath) => 1 + (contents.get(path)?.length ?? 0);
  const announce = (path: RelPath) => {
    for (const p of contents.get(path) ?? []) deps.reporter.item("delete", p, itemizeDeletion(dirs.has(p)));
    deps.reporter.item("delete", path, itemizeDeletion(dirs.has(path)));
  };
  for (const path of sync.deletionPaths) announce(path);
  if (!req.dryRun) {
    for (const r of await remove(sync.deletionPaths)) recordDeletion(r, sync, stats, weight(r.path));
    await removeEmptied(sync, dest, stats, deps);
  } else {
    for (const path of sync.deletionPaths) stats.deleted += weight(path);
    for (const dir of await emptiedBy(dest, sync.prunedDirs, sync.deletionPaths, deps.signal)) {
      deps.reporter.item("delete", dir, itemizeDeletion(true));
      stats.deleted++;
    }
  }
  for (const { path, entry } of sync.replacements) {
    announce(path);
    if (!req.dryRun) {
      const [removed] = await remove([path]);
      if (removed === undefined || removed.error !== undefined) {
        stats.fail(path, removed?.error ?? new BlitError("INTERNAL", `cannot replace ${displayName(path)}`));
        continue;
      }
      stats.lost(removed.losses);
    }
    stats.deleted += weight(path);
    await sync.sendNow(path, entry.meta);
  }
  return null;
}

/** Removes the directories a filtered mirror emptied, deepest first; one still holding protected entries stays. */
async function removeEmptied(sync: TreeSync, dest: Store, stats: RunStats, deps: EngineDeps): Promise<void> {
  if (sync.prunedDirs.length === 0) return;
  const dirs = [...sync.prunedDirs].sort((a, b) => depthRel(b) - depthRel(a));
  for (const r of await dest.remove(dirs, { onlyEmptyDirs: true })) {
    if (r.error?.code === "ALREADY_EXISTS") continue;
    if (r.error === undefined) deps.reporter.item("delete", r.path, itemizeDeletion(true));
    recordDeletion(r, sync, stats);
  }
}

function recordDeletion(r: { path: string; error?: BlitError; losses?: readonly BlitError[] }, sync: TreeSync, stats: RunStats, entries = 1): void {
  if (r.error !== undefined) return stats.fail(r.path, r.error);
  stats.lost(r.losses);
  stats.deleted += entries;
  sync.markDirty(r.path.includes("/") ? r.path.slice(0, r.path.lastIndexOf("/")) : "");
}

async function finish(sync: TreeSync, dest: Store, stats: RunStats, deps: EngineDeps): Promise<void> {
  const dirs = [...sync.attributeFixes, ...sync.dirsToFinish()];
  if (dirs.length > 0) {
    for (const r of await dest.setMeta(dirs)) {
      if (r.error !== undefined) stats.fail(r.path, r.error);
      else stats.lost(r.losses);
    }
  }
  stats.phase = "sync";
  const durable = await dest.sync();
  if (!durable.durable) deps.reporter.warn(durable.reason ?? "the destination could not be made durable");
}
