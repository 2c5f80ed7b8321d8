/**
 * Domain ⇄ wire conversion of transfer sessions (SessionHeader, StoreRequest, StoreReply,
 * DataTransferNegotiation): the only code that knows those protobuf field names.
 */
import { BlitError, ERROR_CODES, type ErrorCode } from "../../domain/errors.ts";
import { encodeNameBytes } from "../../domain/rel-path.ts";
import type { ClientMessage, DataNegotiation, ServerMessage, SessionHeader, SessionRole, StoreReply, StoreRequest } from "../../ports/session.ts";
import type { OpResult } from "../../ports/store.ts";
import { bytesToName, fromWireMeta, fromWireTarget, toNumber, toWireMeta, toWireTarget } from "./mapping.ts";
import type { WireMessage } from "./wire-schema.ts";

export const toWireHeader = (h: SessionHeader): WireMessage => ({
  header: { root: toWireTarget(h.root), capabilities: { tcp: true, grpc_data: true, force_grpc_data: h.forceGrpcData, max_streams: h.maxStreams ?? 0 }, move: h.move },
});
export const fromWireHeader = (w: WireMessage, role: SessionRole): SessionHeader => ({
  role,
  root: fromWireTarget(w.root),
  move: w.move === true,
  forceGrpcData: w.capabilities?.force_grpc_data === true,
  maxStreams: Math.max(0, Math.min(64, Number(w.capabilities?.max_streams ?? 0) || 0)),
});

export const toWireNegotiation = (n: DataNegotiation): WireMessage => ({
  negotiation: { data_port: n.dataPort, one_time_token: n.token, streams: n.streams, grpc_data: n.grpcData, fallback_reason: n.fallbackReason },
});
export const fromWireNegotiation = (w: WireMessage): DataNegotiation => ({
  dataPort: Number(w.data_port ?? 0),
  token: w.one_time_token instanceof Uint8Array ? w.one_time_token : new Uint8Array(),
  streams: Math.max(1, Math.min(16, Number(w.streams ?? 1))),
  grpcData: w.grpc_data === true,
  fallbackReason: String(w.fallback_reason ?? ""),
});

export function toWireClient(m: ClientMessage): WireMessage {
  if (m.t === "choice") return { data_choice: { grpc: m.grpc, reason: m.reason } };
  return { request: toWireRequest(m.request) };
}
export function fromWireClient(w: WireMessage): ClientMessage | null {
  if (w.data_choice) return { t: "choice", grpc: w.data_choice.grpc === true, reason: String(w.data_choice.reason ?? "") };
  if (w.request) return { t: "request", request: fromWireRequest(w.request) };
  return null;
}

export function toWireServer(m: ServerMessage): WireMessage {
  if (m.t === "meter") return { meter: { bytes: BigInt(m.bytes) } };
  return { reply: toWireReply(m.reply) };
}
export function fromWireServer(w: WireMessage): ServerMessage | null {
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
      return { id, read: { items: r.items.map((i) => ({ file_id: i.fileId, path: encodeNameBytes(i.path), offset: BigInt(i.offset) })) } };
    case "write":
      return { id, write: { items: r.items.map((i) => ({ file_id: i.fileId, path: encodeNameBytes(i.path), meta: toWireMeta(i.meta), resume: i.resume, resume_from: BigInt(i.resumeFrom) })) } };
    case "setMeta":
      return { id, set_meta: { entries: r.entries.map((e) => ({ path: encodeNameBytes(e.path), meta: toWireMeta(e.meta) })) } };
    case "remove":
      return { id, remove: { paths: r.paths.map(encodeNameBytes), only_empty_dirs: r.onlyEmptyDirs } };
    case "sync":
      return { id, sync: {} };
  }
}

function fromWireRequest(w: WireMessage): StoreRequest {
  const id = Number(w.id ?? 0);
  switch (w.op) {
    case "stat":
    case "list":
    case "hash":
      return { id, op: w.op, path: bytesToName(w[w.op]?.path) };
    case "block_hashes":
      return { id, op: "blockHashes", path: bytesToName(w.block_hashes?.path) };
    case "read":
      return { id, op: "read", items: (w.read.items as WireMessage[]).map((i) => ({ fileId: Number(i.file_id), path: bytesToName(i.path), offset: toNumber(i.offset) })) };
    case "write":
      return { id, op: "write", items: (w.write.items as WireMessage[]).map((i) => ({ fileId: Number(i.file_id), path: bytesToName(i.path), meta: fromWireMeta(i.meta), resume: i.resume === true, resumeFrom: toNumber(i.resume_from) })) };
    case "set_meta":
      return { id, op: "setMeta", entries: (w.set_meta.entries as WireMessage[]).map((e) => ({ path: bytesToName(e.path), meta: fromWireMeta(e.meta) })) };
    case "remove":
      return { id, op: "remove", paths: (w.remove.paths as Uint8Array[]).map(bytesToName), onlyEmptyDirs: w.remove.only_empty_dirs === true };
    case "sync":
      return { id, op: "sync" };
    default:
      throw new BlitError("PROTOCOL_MISMATCH", `unknown store request '${String(w.op)}'`);
  }
}

const toWireError = (p: string, e: BlitError): WireMessage => ({ path: encodeNameBytes(p), code: e.code, message: e.message });
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

function toWireReply(r: StoreReply): WireMessage {
  const head = { id: r.id, last: r.last };
  switch (r.kind) {
    case "stat":
      return { ...head, stat: { exists: r.meta !== null, ...(r.meta === null ? {} : { meta: toWireMeta(r.meta) }) } };
    case "listing":
      return {
        ...head,
        listing: {
          entries: r.entries.map((e) => ({ path: encodeNameBytes(e.name), meta: toWireMeta(e.meta) })),
          failures: r.failures.map((f) => toWireError(f.name, f.error)),
        },
      };
    case "results":
      return { ...head, results: { results: r.results.map(toWireResult) } };
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

function fromWireReply(w: WireMessage): StoreReply {
  const head = { id: Number(w.id ?? 0), last: w.last === true };
  switch (w.result) {
    case "stat":
      return { ...head, kind: "stat", meta: w.stat.exists === true ? fromWireMeta(w.stat.meta) : null };
    case "listing":
      return {
        ...head,
        kind: "listing",
        entries: (w.listing.entries as WireMessage[]).map((e) => ({ name: bytesToName(e.path), meta: fromWireMeta(e.meta) })),
        failures: (w.listing.failures as WireMessage[]).map((f) => ({ name: bytesToName(f.path), error: fromWireError(f) })),
      };
    case "results":
      return { ...head, kind: "results", results: (w.results.results as WireMessage[]).map(fromWireResult) };
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
