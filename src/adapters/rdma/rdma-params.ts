import { BlitError } from "../../domain/errors.ts";

/**
 * One side's half of the out-of-band exchange: where its QP is (QPN, PSN, LID, GID, MTU) and
 * where its ring of receive slots is (address, rkey, slot count and size).
 */
export interface RdmaParams {
  readonly qpn: number;
  readonly psn: number;
  readonly lid: number;
  readonly gid: Uint8Array;
  readonly mtu: number;
  readonly linkLayer: number;
  readonly ringAddr: number;
  readonly ringRkey: number;
  readonly slots: number;
  readonly slotBytes: number;
}

const VERSION = 1;
export const PARAMS_BYTES = 48;
/** Bounds a peer's ring must respect (a lying peer cannot make us write beyond them). */
const MAX_SLOTS = 1024;
const MAX_SLOT_BYTES = 16 << 20;

export function encodeParams(p: RdmaParams): Uint8Array {
  const out = new Uint8Array(PARAMS_BYTES);
  const v = new DataView(out.buffer);
  v.setUint8(0, VERSION);
  v.setUint8(1, p.mtu);
  v.setUint8(2, p.linkLayer);
  v.setUint32(4, p.qpn);
  v.setUint32(8, p.psn);
  v.setUint16(12, p.lid);
  v.setUint16(14, p.slots);
  out.set(p.gid.subarray(0, 16), 16);
  v.setBigUint64(32, BigInt(p.ringAddr));
  v.setUint32(40, p.ringRkey);
  v.setUint32(44, p.slotBytes);
  return out;
}

/** Decodes and checks a peer's parameters; PROTOCOL_MISMATCH names what is wrong. */
export function decodeParams(bytes: Uint8Array, from: string): RdmaParams {
  const bad = (why: string) => new BlitError("PROTOCOL_MISMATCH", `RDMA parameters from ${from} are unusable: ${why}`);
  if (bytes.length !== PARAMS_BYTES) throw bad(`${bytes.length} bytes, expected ${PARAMS_BYTES}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint8(0) !== VERSION) throw bad(`version ${v.getUint8(0)}, expected ${VERSION}`);
  const p: RdmaParams = {
    mtu: v.getUint8(1),
    linkLayer: v.getUint8(2),
    qpn: v.getUint32(4),
    psn: v.getUint32(8),
    lid: v.getUint16(12),
    slots: v.getUint16(14),
    gid: bytes.slice(16, 32),
    ringAddr: Number(v.getBigUint64(32)),
    ringRkey: v.getUint32(40),
    slotBytes: v.getUint32(44),
  };
  if (p.mtu < 1 || p.mtu > 5) throw bad(`path MTU code ${p.mtu}`);
  if (p.slots < 1 || p.slots > MAX_SLOTS) throw bad(`${p.slots} slots (1-${MAX_SLOTS})`);
  if (p.slotBytes < 4096 || p.slotBytes > MAX_SLOT_BYTES) throw bad(`slot size ${p.slotBytes} (4 KiB-16 MiB)`);
  if (p.qpn === 0 || p.qpn > 0xffffff) throw bad(`QP number ${p.qpn}`);
  return p;
}
