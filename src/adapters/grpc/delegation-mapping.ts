/**
 * Domain ⇄ wire conversion of DelegatedPull (DelegatedPullRequest, DelegatedPullProgress): the
 * only code that knows those protobuf field names.
 */
import type { FilterOptions } from "../../domain/filter.ts";
import type { ItemChange } from "../../domain/itemize.ts";
import type { CompareMode } from "../../domain/plan.ts";
import { encodeNameBytes, wireText } from "../../domain/rel-path.ts";
import type { Phase, ProgressSnapshot } from "../../domain/summary.ts";
import type { DelegatedOptions, DelegatedPull, DelegatedSummary, DelegationEvent } from "../../ports/delegation.ts";
import { bytesToName, fromWireTarget, toNumber, toWireTarget } from "./mapping.ts";
import type { WireMessage } from "./wire-schema.ts";

export const toWireDelegatedPull = (r: DelegatedPull): WireMessage => ({
  destination: toWireTarget(r.destination.target),
  destination_trailing_slash: r.destination.trailingSlash,
  source_host: r.source.host,
  source_port: r.source.port,
  source: toWireTarget(r.source.target),
  options: toWireOptions(r.options, r.source.contentsOnly),
  force_grpc_data: r.options.forceGrpcData,
});

export function fromWireDelegatedPull(w: WireMessage): DelegatedPull {
  const o: WireMessage = w.options ?? {};
  const f: WireMessage = o.filter ?? {};
  const filter: FilterOptions = {
    rules: ((f.rules ?? []) as WireMessage[]).map((r) => ({ type: r.include === true ? "include" : "exclude", pattern: String(r.pattern ?? "") })),
    filesFrom: f.has_files_from === true ? ((f.files_from ?? []) as unknown[]).map(bytesToName) : null,
    minSize: toNumber(f.min_size) > 0 ? toNumber(f.min_size) : null,
    maxSize: f.has_max_size === true || toNumber(f.max_size) > 0 ? toNumber(f.max_size) : null,
  };
  const options: DelegatedOptions = {
    verb: VERB_FROM_WIRE[String(o.verb)] ?? "copy",
    compare: COMPARE_FROM_WIRE[String(o.compare)] ?? "quick",
    ignoreExisting: o.ignore_existing === true,
    filter,
    dryRun: o.dry_run === true,
    maxDelete: o.has_max_delete === true || toNumber(o.max_delete) > 0 ? toNumber(o.max_delete) : null,
    resume: o.resume === true,
    ...(o.delete_excluded === true && { deleteExcluded: true }),
    ...(o.has_timeout === true && { timeoutSec: toNumber(o.timeout_ms) / 1000 }),
    ...(toNumber(o.bwlimit) > 0 && { bwlimit: toNumber(o.bwlimit) }),
    forceGrpcData: w.force_grpc_data === true,
  };
  return {
    source: { host: String(w.source_host ?? ""), port: Number(w.source_port ?? 0), target: fromWireTarget(w.source), contentsOnly: o.contents_only === true },
    destination: { target: fromWireTarget(w.destination), trailingSlash: w.destination_trailing_slash === true },
    options,
  };
}

export function toWireDelegationEvent(e: DelegationEvent): WireMessage {
  switch (e.t) {
    case "progress":
      return { progress: toWireProgress(e.snapshot) };
    case "warning":
      return { warning: wireText(e.message) };
    case "item":
      return { changed: { action: e.action, path: encodeNameBytes(e.path), ...(e.change !== undefined && toWireChange(e.change)) } };
    case "summary":
      return { summary: toWireSummary(e.summary) };
  }
}

/** The event of a wire message; null for a message this build does not know (a newer daemon). */
export function fromWireDelegationEvent(w: WireMessage): DelegationEvent | null {
  switch (w.message) {
    case "progress":
      return { t: "progress", snapshot: fromWireProgress(w.progress) };
    case "warning":
      return { t: "warning", message: String(w.warning) };
    case "changed": {
      const action = ACTIONS.find((a) => a === w.changed.action);
      return action === undefined ? null : { t: "item", action, path: bytesToName(w.changed.path), ...changeOf(w.changed) };
    }
    case "summary":
      return { t: "summary", summary: fromWireSummary(w.summary) };
    default:
      return null;
  }
}

// --- internal ---

function toWireChange(c: ItemChange): WireMessage {
  return { itemize: c.itemize, is_dir: c.dir, only_itemized: c.onlyItemized === true, ...(c.linkTarget !== undefined && { link_target: encodeNameBytes(c.linkTarget), has_link_target: true }) };
}

/** The -i view of a changed entry; none from a daemon that does not send it. */
function changeOf(w: WireMessage): { change?: ItemChange } {
  const itemize = String(w.itemize ?? "");
  if (itemize.length !== 11) return {};
  return { change: { itemize, dir: w.is_dir === true, ...(w.only_itemized === true && { onlyItemized: true }), ...(w.has_link_target === true && { linkTarget: bytesToName(w.link_target) }) } };
}

const ACTIONS = ["copy", "delete", "mkdir", "symlink", "attrs", "remove", "link"] as const;
const PHASES: readonly Phase[] = ["scan", "copy", "delete", "sync", "done", "cancelled"];

const VERB_TO_WIRE = { copy: "VERB_COPY", mirror: "VERB_MIRROR", move: "VERB_MOVE" } as const satisfies Record<DelegatedOptions["verb"], string>;
const VERB_FROM_WIRE: Readonly<Record<string, DelegatedOptions["verb"]>> = invert(VERB_TO_WIRE);
const COMPARE_TO_WIRE = {
  quick: "COMPARE_MODE_QUICK",
  checksum: "COMPARE_MODE_CHECKSUM",
  "size-only": "COMPARE_MODE_SIZE_ONLY",
  "ignore-times": "COMPARE_MODE_IGNORE_TIMES",
} as const satisfies Record<CompareMode, string>;
const COMPARE_FROM_WIRE: Readonly<Record<string, CompareMode>> = invert(COMPARE_TO_WIRE);

function toWireOptions(o: DelegatedOptions, contentsOnly: boolean): WireMessage {
  return {
    verb: VERB_TO_WIRE[o.verb],
    compare: COMPARE_TO_WIRE[o.compare],
    filter: {
      rules: o.filter.rules.map((r) => ({ include: r.type === "include", pattern: r.pattern })),
      files_from: (o.filter.filesFrom ?? []).map(encodeNameBytes),
      has_files_from: o.filter.filesFrom !== null,
      min_size: BigInt(o.filter.minSize ?? 0),
      max_size: BigInt(o.filter.maxSize ?? 0),
      has_max_size: o.filter.maxSize !== null,
    },
    dry_run: o.dryRun,
    ignore_existing: o.ignoreExisting,
    resume: o.resume,
    max_delete: BigInt(o.maxDelete ?? 0),
    has_max_delete: o.maxDelete !== null,
    contents_only: contentsOnly,
    delete_excluded: o.deleteExcluded === true,
    timeout_ms: Math.round((o.timeoutSec ?? 0) * 1000),
    has_timeout: o.timeoutSec !== undefined,
    bwlimit: BigInt(o.bwlimit ?? 0),
  };
}

const toWireProgress = (s: ProgressSnapshot): WireMessage => ({
  phase: s.phase,
  files_done: BigInt(s.filesDone),
  bytes_done: BigInt(s.bytesDone),
  files_total: BigInt(s.filesPlanned),
  bytes_total: BigInt(s.bytesPlanned),
  current_path: encodeNameBytes(s.current),
  scan_complete: s.scanComplete,
  bytes_per_sec: s.bytesPerSec,
});

function fromWireProgress(w: WireMessage): ProgressSnapshot {
  const bytesDone = toNumber(w.bytes_done);
  const bytesPlanned = toNumber(w.bytes_total);
  const rate = Number(w.bytes_per_sec ?? 0) || 0;
  const scanComplete = w.scan_complete === true;
  return {
    phase: PHASES.find((p) => p === w.phase) ?? "copy",
    filesDone: toNumber(w.files_done),
    filesPlanned: toNumber(w.files_total),
    bytesDone,
    bytesPlanned,
    bytesPerSec: rate,
    etaSec: scanComplete && rate > 0 ? Math.max(0, bytesPlanned - bytesDone) / rate : null,
    current: bytesToName(w.current_path),
    scanComplete,
  };
}

const toWireSummary = (s: DelegatedSummary): WireMessage => ({
  files_examined: BigInt(s.files_examined),
  files_transferred: BigInt(s.files_transferred),
  files_skipped: BigInt(s.files_skipped),
  bytes_transferred: BigInt(s.bytes_transferred),
  entries_deleted: BigInt(s.entries_deleted),
  sources_removed: BigInt(s.sources_removed),
  files_failed: BigInt(s.files_failed),
  files_verified: BigInt(s.files_verified),
  files_resent: BigInt(s.files_resent),
  failures: s.failures.map((f) => ({ path: encodeNameBytes(f.path), code: f.code, message: wireText(f.error) })),
  duration_ms: BigInt(s.duration_ms),
  outcome: s.outcome,
  stats: {
    transport: s.transport,
    bytes_per_sec: s.bytes_per_sec,
    zero_copy_bytes: BigInt(s.zero_copy_bytes),
    fallback_used: s.fallback_reason !== null,
    fallback_reason: s.fallback_reason ?? "",
  },
});

function fromWireSummary(w: WireMessage): DelegatedSummary {
  const stats: WireMessage = w.stats ?? {};
  const transports = ["tcp", "grpc", "rdma", "local"] as const;
  const outcomes = ["success", "partial", "failed", "dry-run"] as const;
  return {
    transport: transports.find((t) => t === stats.transport) ?? "tcp",
    files_examined: toNumber(w.files_examined),
    files_transferred: toNumber(w.files_transferred),
    files_skipped: toNumber(w.files_skipped),
    bytes_transferred: toNumber(w.bytes_transferred),
    entries_deleted: toNumber(w.entries_deleted),
    sources_removed: toNumber(w.sources_removed),
    files_failed: toNumber(w.files_failed),
    files_verified: toNumber(w.files_verified),
    files_resent: toNumber(w.files_resent),
    failures: ((w.failures ?? []) as WireMessage[]).map((f) => ({ path: bytesToName(f.path), error: String(f.message ?? ""), code: String(f.code ?? "INTERNAL") })),
    duration_ms: toNumber(w.duration_ms),
    bytes_per_sec: Math.round(Number(stats.bytes_per_sec ?? 0) || 0),
    zero_copy_bytes: toNumber(stats.zero_copy_bytes),
    fallback_reason: stats.fallback_used === true ? String(stats.fallback_reason ?? "") : null,
    outcome: outcomes.find((o) => o === w.outcome) ?? "failed",
  };
}

function invert<K extends string, V extends string>(table: Record<K, V>): Readonly<Record<string, K>> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k])) as Readonly<Record<string, K>>;
}
