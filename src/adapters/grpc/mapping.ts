/**
 * Domain ⇄ wire conversion for the control plane: the only code that knows field names of the
 * protobuf messages. Names and paths travel as bytes (rel-path.ts's lossless string form on this
 * side); sizes and times as 64-bit integers.
 */
import { NS_PER_SEC, type EntryKind, type EntryMeta } from "../../domain/entry.ts";
import { decodeNameBytes, encodeNameBytes, wireText } from "../../domain/rel-path.ts";
import type {
  CompletionQuery,
  DaemonIdentity,
  EntryFailure,
  FilesystemStats,
  FindKind,
  FindQuery,
  FoundEntry,
  Listing,
  ModuleList,
  PurgeResult,
  RemoteTarget,
  UsageQuery,
  UsageRow,
} from "../../ports/control.ts";
import type { WireMessage } from "./wire-schema.ts";

export const toWireTarget = (t: RemoteTarget): WireMessage => ({ module: t.module ?? "", path: encodeNameBytes(t.path) });
export const fromWireTarget = (w: WireMessage | null | undefined): RemoteTarget => ({
  module: w?.module ? String(w.module) : null,
  path: bytesToName(w?.path),
});

export function toWireMeta(m: EntryMeta): WireMessage {
  return {
    kind: KIND_TO_WIRE[m.kind],
    size: BigInt(m.size),
    mtime_seconds: floorDiv(m.mtimeNs, NS_PER_SEC),
    mtime_nanos: Number(m.mtimeNs - floorDiv(m.mtimeNs, NS_PER_SEC) * NS_PER_SEC),
    mode: m.mode,
    uid: m.uid,
    gid: m.gid,
    symlink_target: m.linkTarget === undefined ? new Uint8Array() : encodeNameBytes(m.linkTarget),
  };
}
export function fromWireMeta(w: WireMessage | null | undefined): EntryMeta {
  const kind = KIND_FROM_WIRE[String(w?.kind)] ?? "special";
  const meta: EntryMeta = {
    kind,
    size: toNumber(w?.size),
    mtimeNs: BigInt(w?.mtime_seconds ?? 0n) * NS_PER_SEC + BigInt(w?.mtime_nanos ?? 0),
    mode: Number(w?.mode ?? 0),
    uid: Number(w?.uid ?? 0),
    gid: Number(w?.gid ?? 0),
  };
  return kind === "symlink" ? { ...meta, linkTarget: bytesToName(w?.symlink_target) } : meta;
}

export const toWireIdentity = (d: DaemonIdentity): WireMessage => ({ version: d.version, protocol_version: d.protocolVersion });
export const fromWireIdentity = (w: WireMessage): DaemonIdentity => ({ version: String(w.version), protocolVersion: Number(w.protocol_version) });

export const toWireModules = (m: ModuleList): WireMessage => ({
  motd: m.motd,
  version: m.version,
  modules: m.modules.map((x) => ({ name: x.name, comment: x.comment, read_only: x.readOnly, auth_required: x.authRequired })),
  has_default_export: m.defaultExport !== null,
  default_export_read_only: m.defaultExport?.readOnly ?? false,
});
export const fromWireModules = (w: WireMessage): ModuleList => ({
  motd: String(w.motd),
  version: String(w.version),
  modules: (w.modules as WireMessage[]).map((x) => ({ name: String(x.name), comment: String(x.comment), readOnly: x.read_only === true, authRequired: x.auth_required === true })),
  defaultExport: w.has_default_export === true ? { readOnly: w.default_export_read_only === true } : null,
});

export const toWireListing = (l: Listing): WireMessage => ({
  is_dir: l.isDir,
  entries: l.entries.map((e) => ({ name: encodeNameBytes(e.name), meta: toWireMeta(e.meta) })),
  failures: l.failures.map(toWireFailure),
});
export const fromWireListing = (w: WireMessage): Listing => ({
  isDir: w.is_dir === true,
  entries: (w.entries as WireMessage[]).map((e) => ({ name: bytesToName(e.name), meta: fromWireMeta(e.meta) })),
  failures: (w.failures as WireMessage[]).map(fromWireFailure),
});

export const toWireFind = (q: FindQuery): WireMessage => ({
  target: toWireTarget(q.target),
  pattern: q.pattern,
  kind: FIND_KIND_TO_WIRE[q.kind],
  limit: BigInt(q.limit),
});
export const fromWireFind = (w: WireMessage): FindQuery => ({
  target: fromWireTarget(w.target),
  pattern: String(w.pattern ?? ""),
  kind: FIND_KIND_FROM_WIRE[String(w.kind)] ?? "any",
  limit: toNumber(w.limit),
});
export const toWireFound = (f: FoundEntry): WireMessage => ({ path: encodeNameBytes(f.path), meta: toWireMeta(f.meta) });
export const fromWireFound = (w: WireMessage): FoundEntry => ({ path: bytesToName(w.path), meta: fromWireMeta(w.meta) });

export const toWireUsageQuery = (q: UsageQuery): WireMessage => ({ target: toWireTarget(q.target), max_depth: q.maxDepth });
export const fromWireUsageQuery = (w: WireMessage): UsageQuery => ({ target: fromWireTarget(w.target), maxDepth: Number(w.max_depth ?? 0) });
export const toWireUsage = (r: UsageRow): WireMessage => ({
  path: encodeNameBytes(r.path),
  bytes: BigInt(r.bytes),
  files: BigInt(r.files),
  dirs: BigInt(r.dirs),
  depth: r.depth,
});
export const fromWireUsage = (w: WireMessage): UsageRow => ({
  path: bytesToName(w.path),
  bytes: toNumber(w.bytes),
  files: toNumber(w.files),
  dirs: toNumber(w.dirs),
  depth: Number(w.depth),
});

export const toWireFsStats = (s: FilesystemStats): WireMessage => ({
  total_bytes: BigInt(s.totalBytes),
  free_bytes: BigInt(s.freeBytes),
  available_bytes: BigInt(s.availableBytes),
  total_inodes: BigInt(s.totalInodes),
  free_inodes: BigInt(s.freeInodes),
  block_size: BigInt(s.blockSize),
});
export const fromWireFsStats = (w: WireMessage): FilesystemStats => ({
  totalBytes: toNumber(w.total_bytes),
  freeBytes: toNumber(w.free_bytes),
  availableBytes: toNumber(w.available_bytes),
  totalInodes: toNumber(w.total_inodes),
  freeInodes: toNumber(w.free_inodes),
  blockSize: toNumber(w.block_size),
});

export const toWirePurge = (p: PurgeResult): WireMessage => ({ entries_removed: BigInt(p.entriesRemoved), bytes_removed: BigInt(p.bytesRemoved) });
export const fromWirePurge = (w: WireMessage): PurgeResult => ({ entriesRemoved: toNumber(w.entries_removed), bytesRemoved: toNumber(w.bytes_removed) });

export const toWireCompletion = (q: CompletionQuery): WireMessage => ({
  module: q.module ?? "",
  complete_modules: q.completeModules,
  prefix: encodeNameBytes(q.prefix),
  dirs_only: q.dirsOnly,
  limit: q.limit,
});
export const fromWireCompletion = (w: WireMessage): CompletionQuery => ({
  module: w.module ? String(w.module) : null,
  completeModules: w.complete_modules === true,
  prefix: bytesToName(w.prefix),
  dirsOnly: w.dirs_only === true,
  limit: Number(w.limit ?? 0),
});
export const toWireCandidates = (c: readonly string[]): WireMessage => ({ candidates: c.map(encodeNameBytes) });
export const fromWireCandidates = (w: WireMessage): string[] => (w.candidates as Uint8Array[]).map(bytesToName);

// --- internal ---

const KIND_TO_WIRE = {
  file: "ENTRY_KIND_FILE",
  dir: "ENTRY_KIND_DIR",
  symlink: "ENTRY_KIND_SYMLINK",
  special: "ENTRY_KIND_SPECIAL",
} as const satisfies Record<EntryKind, string>;
const KIND_FROM_WIRE: Readonly<Record<string, EntryKind>> = Object.fromEntries(Object.entries(KIND_TO_WIRE).map(([k, v]) => [v, k as EntryKind]));

const FIND_KIND_TO_WIRE = { any: "FIND_KIND_ANY", files: "FIND_KIND_FILES", dirs: "FIND_KIND_DIRS" } as const satisfies Record<FindKind, string>;
const FIND_KIND_FROM_WIRE: Readonly<Record<string, FindKind>> = Object.fromEntries(
  Object.entries(FIND_KIND_TO_WIRE).map(([k, v]) => [v, k as FindKind]),
);

export const toWireFailure = (f: EntryFailure): WireMessage => ({ path: encodeNameBytes(f.path), code: f.code, message: wireText(f.message) });
export const fromWireFailure = (w: WireMessage): EntryFailure => ({ path: bytesToName(w.path), code: String(w.code), message: String(w.message) });

export const bytesToName = (b: unknown): string => (b instanceof Uint8Array ? decodeNameBytes(b) : "");

/** A wire uint64 as a number (sizes and counts stay below 2^53; larger values are clamped). */
export const toNumber = (v: unknown): number => {
  const n = typeof v === "bigint" ? v : BigInt(typeof v === "number" || typeof v === "string" ? v : 0);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
};

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
};
