/**
 * Domain ⇄ wire conversion of transfer sessions (SessionHeader, StoreRequest, StoreReply,
 * DataTransferNegotiation): the only code that knows those protobuf field names.
 */
import { BlitError, ERROR_CODES, type ErrorCode } from "../../domain/errors.ts";
import { unchecked, uncheckedEntries, type Unchecked } from "../../domain/peer-path.ts";
import { encodeNameBytes, wireText } from "../../domain/rel-path.ts";
import { PackReader, PackWriter, packEntries, unpackEntries } from "../../domain/wire/packed-meta.ts";
import { FIDELITY_KINDS, fidelityLoss, lossKind } from "../../domain/fidelity.ts";
import type { ClientMessage, DataNegotiation, ReadItem, ServerMessage, SessionHeader, SessionRole, StoreReply, StoreRequest, WriteItem } from "../../ports/session.ts";
import type { LinkResult } from "../../ports/store-capabilities.ts";
import type { OpResult } from "../../ports/store.ts";
import { bytesToName, fromWireMeta, fromWireTarget, toNumber, toWireMeta, toWireTarget } from "./mapping.ts";
import type { WireMessage } from "./wire-schema.ts";

export const toWireHeader = (h: SessionHeader): WireMessage => ({
  header: { root: toWireTarget(h.root), capabilities: { tcp: true, grpc_data: true, force_grpc_data: h.forceGrpcData, max_streams: h.maxStreams ?? 0, supports_rdma: h.rdma === true }, move: h.move },
});
export const fromWireHeader = (w: WireMessage, role: SessionRole): SessionHeader => ({
  role,
  root: fromWireTarget(w.root),
  move: w.move === true,
  forceGrpcData: w.capabilities?.force_grpc_data === true,
  maxStreams: Math.max(0, Math.min(64, Number(w.capabilities?.max_streams ?? 0) || 0)),
  rdma: w.capabilities?.supports_rdma === true,
});

export const toWireNegotiation = (n: DataNegotiation): WireMessage => ({
  negotiation: { data_port: n.dataPort, one_time_token: n.token, streams: n.streams, grpc_data: n.grpcData, fallback_reason: n.fallbackReason, use_rdma: (n.rdmaPort ?? 0) > 0, rdma_port: n.rdmaPort ?? 0 },
});
export const fromWireNegotiation = (w: WireMessage): DataNegotiation => ({
  dataPort: Number(w.data_port ?? 0),
  token: w.one_time_token instanceof Uint8Array ? w.one_time_token : new Uint8Array(),
  streams: Math.max(1, Math.min(16, Number(w.streams ?? 1))),
  grpcData: w.grpc_data === true,
  fallbackReason: String(w.fallback_reason ?? ""),
  rdmaPort: w.use_rdma === true ? Math.max(0, Math.min(65535, Number(w.rdma_port ?? 0) || 0)) : 0,
});

export function toWireClient(m: ClientMessage): WireMessage {
  if (m.t === "choice") return { data_choice: { grpc: m.grpc, reason: m.reason } };
  return { request: toWireRequest(m.request) };
}
export function fromWireClient(w: WireMessage): ClientMessage<Unchecked> | null {
  if (w.data_choice) return { t: "choice", grpc: w.data_choice.grpc === true, reason: String(w.data_choice.reason ?? "") };
  if (w.request) return { t: "request", request: fromWireRequest(w.request) };
  return null;
}

export function toWireServer(m: ServerMessage): WireMessage {
  if (m.t === "meter") return { meter: { bytes: BigInt(m.bytes) } };
  return { reply: toWireReply(m.reply) };
}
export function fromWireServer(w: WireMessage): ServerMessage<Unchecked> | null {
  if (w.meter) return { t: "meter", bytes: toNumber(w.meter.bytes) };
  if (w.reply) return { t: "reply", reply: fromWireReply(w.reply) };
  return null;
}

// --- internal ---

const path = (p: string): WireMessage => ({ path: encodeNameBytes(p) });

function toWireRequest(r: StoreRequest): WireMessage {
  const id = r.id;
  switch (r.op) {
    case "stat":
    case "list":
    case "hash":
      return { id, [r.op]: path(r.path) };
    case "blockHashes":
      return { id, block_hashes: path(r.path) };
    case "read":
      return { id, read: { packed: packReadItems(r.items) } };
    case "write":
      return { id, write: { packed: packWriteItems(r.items) } };
    case "setMeta":
      return { id, set_meta: { packed: packEntries(r.entries.map((e) => ({ name: e.path, meta: e.meta }))) } };
    case "remove":
      return { id, remove: { paths: r.paths.map(encodeNameBytes), only_empty_dirs: r.onlyEmptyDirs } };
    case "sync":
      return { id, sync: {} };
    case "claim":
      return { id, claim: { path: encodeNameBytes(r.path), exclusive: r.exclusive } };
    case "snapshot":
      return { id, snapshot: { items: r.steps.map((st) => ({ how: SNAPSHOT_HOW.indexOf(st.how), from: encodeNameBytes(st.from), to: encodeNameBytes(st.to) })) } };
    case "link": {
      const w = new PackWriter();
      for (const l of r.links) {
        w.name(l.path);
        w.name(l.to);
      }
      return { id, link: { packed: w.bytes() } };
    }
  }
}

/** SnapshotItem.How by number. */
const SNAPSHOT_HOW = ["link", "keep-aside", "move-aside"] as const;
function snapshotHow(n: unknown): (typeof SNAPSHOT_HOW)[number] {
  const how = SNAPSHOT_HOW[Number(n ?? 0)];
  if (how === undefined) throw new BlitError("PROTOCOL_MISMATCH", `unknown snapshot step ${String(n)}`);
  return how;
}

/** Every name and path of a request as the peer sent it: Unchecked (domain/peer-path.ts). */
function fromWireRequest(w: WireMessage): StoreRequest<Unchecked> {
  const id = Number(w.id ?? 0);
  const path = (b: unknown) => unchecked(bytesToName(b));
  switch (w.op) {
    case "stat":
    case "list":
    case "hash":
      return { id, op: w.op, path: path(w[w.op]?.path) };
    case "block_hashes":
      return { id, op: "blockHashes", path: path(w.block_hashes?.path) };
    case "read":
      if (isPacked(w.read.packed)) return { id, op: "read", items: unpackReadItems(w.read.packed) };
      return { id, op: "read", items: (w.read.items as WireMessage[]).map((i) => ({ fileId: Number(i.file_id), path: path(i.path), offset: toNumber(i.offset) })) };
    case "write":
      if (isPacked(w.write.packed)) return { id, op: "write", items: unpackWriteItems(w.write.packed) };
      return { id, op: "write", items: (w.write.items as WireMessage[]).map((i) => ({ fileId: Number(i.file_id), path: path(i.path), meta: fromWireMeta(i.meta), resume: i.resume === true, resumeFrom: toNumber(i.resume_from) })) };
    case "set_meta":
      if (isPacked(w.set_meta.packed)) return { id, op: "setMeta", entries: unpackEntries(w.set_meta.packed).map((e) => ({ path: unchecked(e.name), meta: e.meta })) };
      return { id, op: "setMeta", entries: (w.set_meta.entries as WireMessage[]).map((e) => ({ path: path(e.path), meta: fromWireMeta(e.meta) })) };
    case "remove":
      return { id, op: "remove", paths: (w.remove.paths as Uint8Array[]).map(path), onlyEmptyDirs: w.remove.only_empty_dirs === true };
    case "sync":
      return { id, op: "sync" };
    case "claim":
      return { id, op: "claim", path: path(w.claim?.path), exclusive: w.claim?.exclusive === true };
    case "snapshot":
      return { id, op: "snapshot", steps: ((w.snapshot?.items ?? []) as WireMessage[]).map((i) => ({ how: snapshotHow(i.how), from: path(i.from), to: path(i.to) })) };
    case "link": {
      const r = new PackReader(w.link?.packed instanceof Uint8Array ? w.link.packed : new Uint8Array());
      const links: { path: Unchecked; to: Unchecked }[] = [];
      while (!r.done) links.push({ path: unchecked(r.name()), to: unchecked(r.name()) });
      return { id, op: "link", links };
    }
    default:
      throw new BlitError("PROTOCOL_MISMATCH", `unknown store request '${String(w.op)}'`);
  }
}

const toWireError = (p: string, e: BlitError): WireMessage => ({ path: encodeNameBytes(p), code: e.code, message: wireText(e.message) });
const fromWireError = (w: WireMessage): BlitError => {
  const code = String(w.code);
  return new BlitError((ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : "INTERNAL", String(w.message));
};

const toWireResult = (r: OpResult): WireMessage => ({
  path: encodeNameBytes(r.path),
  bytes: BigInt(r.bytes),
  zero_copy_bytes: BigInt(r.zeroCopyBytes),
  ...(r.error === undefined ? {} : { error: toWireError(r.path, r.error) }),
});
const fromWireResult = (w: WireMessage): OpResult => {
  const base = { path: bytesToName(w.path), bytes: toNumber(w.bytes), zeroCopyBytes: toNumber(w.zero_copy_bytes) };
  return w.error ? { ...base, error: fromWireError(w.error) } : base;
};

const isPacked = (b: unknown): b is Uint8Array => b instanceof Uint8Array && b.length > 0;

/** Flags of a packed result: it failed (its error is among the messages), or it landed with fidelity losses. */
const FAILED = 1;
const LOSSES = 2;
/** A hard link that already was one (HardLinks.link). */
const ALREADY = 4;
/** More losses than one entry's kinds: corrupt. */
const MAX_LOSSES = 8;

/** What an entry that landed lost (u32 count, then kind and message of each): UNSUPPORTED errors of their kind. */
function unpackLosses(r: PackReader): BlitError[] {
  const n = r.u32();
  if (n > MAX_LOSSES) throw new BlitError("CORRUPT_DATA", `packed results: ${n} losses for one entry`);
  const out: BlitError[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r.name();
    const message = r.name();
    out.push(fidelityLoss(FIDELITY_KINDS.find((k) => k === kind) ?? "xattrs", message));
  }
  return out;
}

function packReadItems(items: readonly ReadItem[]): Uint8Array {
  const w = new PackWriter();
  for (const i of items) {
    w.u32(i.fileId);
    w.f64(i.offset);
    w.name(i.path);
  }
  return w.bytes();
}
function unpackReadItems(bytes: Uint8Array): ReadItem<Unchecked>[] {
  const r = new PackReader(bytes);
  const out: ReadItem<Unchecked>[] = [];
  while (!r.done) out.push({ fileId: r.u32(), offset: r.f64(), path: unchecked(r.name()) });
  return out;
}

function packWriteItems(items: readonly WriteItem[]): Uint8Array {
  const w = new PackWriter();
  for (const i of items) {
    w.u32(i.fileId);
    w.u32(i.resume ? 1 : 0);
    w.f64(i.resumeFrom);
    w.record(i.path, i.meta);
  }
  return w.bytes();
}
function unpackWriteItems(bytes: Uint8Array): WriteItem<Unchecked>[] {
  const r = new PackReader(bytes);
  const out: WriteItem<Unchecked>[] = [];
  while (!r.done) {
    const fileId = r.u32();
    const resume = r.u32() === 1;
    const resumeFrom = r.f64();
    const { name, meta } = r.record();
    out.push({ fileId, resume, resumeFrom, path: unchecked(name), meta });
  }
  return out;
}

/** Results packed: bytes and flags per entry; only the failed ones as messages (their path kept). */
function packResults(results: readonly OpResult[]): WireMessage {
  const w = new PackWriter();
  for (const r of results) {
    w.f64(r.bytes);
    w.f64(r.zeroCopyBytes);
    const losses = r.error === undefined ? (r.losses ?? []) : [];
    const already = r.error === undefined && (r as LinkResult).already === true ? ALREADY : 0;
    w.u32((r.error === undefined ? 0 : FAILED) | (losses.length === 0 ? 0 : LOSSES) | already);
    if (losses.length === 0) continue;
    w.u32(losses.length);
    for (const l of losses) {
      w.name(lossKind(l) ?? "xattrs");
      w.name(l.message);
    }
  }
  return { packed: w.bytes(), results: results.filter((r) => r.error !== undefined).map(toWireResult) };
}
function unpackResults(w: WireMessage): OpResult[] {
  const r = new PackReader(w.packed);
  const failed = w.results as WireMessage[];
  const out: OpResult[] = [];
  let next = 0;
  while (!r.done) {
    const bytes = r.f64();
    const zeroCopyBytes = r.f64();
    const flags = r.u32();
    if (flags === LOSSES) out.push({ path: "", bytes, zeroCopyBytes, losses: unpackLosses(r) });
    else if (flags === 0) out.push({ path: "", bytes, zeroCopyBytes });
    else if (flags === ALREADY) out.push({ path: "", bytes, zeroCopyBytes, already: true } as LinkResult);
    else {
      const f = failed[next++];
      if (f === undefined) throw new BlitError("CORRUPT_DATA", "packed results name more failures than they carry");
      out.push({ ...fromWireResult(f), bytes, zeroCopyBytes });
    }
  }
  return out;
}

function toWireReply(r: StoreReply): WireMessage {
  const head = { id: r.id, last: r.last };
  switch (r.kind) {
    case "stat":
      return { ...head, stat: { exists: r.meta !== null, ...(r.meta === null ? {} : { meta: toWireMeta(r.meta) }) } };
    case "listing":
      return { ...head, listing: { packed: packEntries(r.entries), failures: r.failures.map((f) => toWireError(f.name, f.error)) } };
    case "results":
      return { ...head, results: packResults(r.results) };
    case "hash":
      return { ...head, hash: r.hash };
    case "blockHashes":
      return { ...head, block_hashes: r.hashes };
    case "sync":
      return { ...head, sync: { durable: r.durable, reason: r.reason } };
    case "error":
      return { ...head, error: toWireError("", r.error) };
  }
}

/** Every name of a reply as the peer sent it: Unchecked (domain/peer-path.ts). */
function fromWireReply(w: WireMessage): StoreReply<Unchecked> {
  const head = { id: Number(w.id ?? 0), last: w.last === true };
  switch (w.result) {
    case "stat":
      return { ...head, kind: "stat", meta: w.stat.exists === true ? fromWireMeta(w.stat.meta) : null };
    case "listing":
      return {
        ...head,
        kind: "listing",
        entries: uncheckedEntries(isPacked(w.listing.packed) ? unpackEntries(w.listing.packed) : (w.listing.entries as WireMessage[]).map((e) => ({ name: bytesToName(e.path), meta: fromWireMeta(e.meta) }))),
        failures: (w.listing.failures as WireMessage[]).map((f) => ({ name: unchecked(bytesToName(f.path)), error: fromWireError(f) })),
      };
    case "results":
      return { ...head, kind: "results", results: isPacked(w.results.packed) ? unpackResults(w.results) : (w.results.results as WireMessage[]).map(fromWireResult) };
    case "hash":
      return { ...head, kind: "hash", hash: w.hash instanceof Uint8Array ? w.hash : new Uint8Array() };
    case "block_hashes":
      return { ...head, kind: "blockHashes", hashes: w.block_hashes instanceof Uint8Array ? w.block_hashes : new Uint8Array() };
    case "sync":
      return { ...head, kind: "sync", durable: w.sync.durable === true, reason: String(w.sync.reason ?? "") };
    case "error":
      return { ...head, kind: "error", error: fromWireError(w.error) };
    default:
      throw new BlitError("PROTOCOL_MISMATCH", `unknown store reply '${String(w.result)}'`);
  }
}
