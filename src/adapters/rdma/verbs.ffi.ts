/**
 * The only bun:ffi binding of libibverbs (rdma-core), behind the Verbs seam. Nothing is loaded on
 * import: `loadVerbs` dlopens the library on first use, and a library that cannot be opened, or an
 * architecture without an ABI table, means "no RDMA" (null). ibv_post_send, ibv_post_recv and
 * ibv_poll_cq are static inline in verbs.h, so they are called through the function pointers of
 * the context's ops table (read.ptr + CFunction). Registered memory comes from libc's
 * posix_memalign, so it never moves. Completions are polled from JS; no native thread calls back.
 */
import { CFunction, dlopen, FFIType, type Pointer, ptr, read, toArrayBuffer } from "bun:ffi";
import { BlitError } from "../../domain/errors.ts";
import { abiFor, IBV, WC_STATUS, type VerbsAbi } from "./verbs-abi.ts";
import type { Completion, Handle, MemoryRegion, NativeBuffer, PortInfo, QpPath, QpPeer, Verbs, WriteWithImm } from "./verbs.ts";

const P = FFIType.ptr;
/** A native address as bun:ffi's branded pointer type. */
const at = (n: number): Pointer => n as Pointer;
/** A returned pointer as a number (0 for NULL). */
const num = (p: Pointer | bigint | null): number => (p === null ? 0 : Number(p));
const I32 = FFIType.i32;
const MAX_POLL = 32;
const MAX_RECV_CHAIN = 64;

function openVerbs(path: string) {
  return dlopen(path, {
    ibv_get_device_list: { args: [P], returns: P },
    ibv_free_device_list: { args: [P], returns: FFIType.void },
    ibv_get_device_name: { args: [P], returns: FFIType.cstring },
    ibv_open_device: { args: [P], returns: P },
    ibv_close_device: { args: [P], returns: I32 },
    ibv_query_port: { args: [P, FFIType.u8, P], returns: I32 },
    ibv_query_gid: { args: [P, FFIType.u8, I32, P], returns: I32 },
    ibv_alloc_pd: { args: [P], returns: P },
    ibv_dealloc_pd: { args: [P], returns: I32 },
    ibv_reg_mr: { args: [P, P, FFIType.u64, I32], returns: P },
    ibv_dereg_mr: { args: [P], returns: I32 },
    ibv_create_cq: { args: [P, I32, P, P, I32], returns: P },
    ibv_destroy_cq: { args: [P], returns: I32 },
    ibv_create_qp: { args: [P, P], returns: P },
    ibv_modify_qp: { args: [P, P, I32], returns: I32 },
    ibv_destroy_qp: { args: [P], returns: I32 },
  });
}

function openLibc() {
  return dlopen("libc.so.6", {
    posix_memalign: { args: [P, FFIType.u64, FFIType.u64], returns: I32 },
    free: { args: [P], returns: FFIType.void },
    __errno_location: { args: [], returns: P },
  });
}

type Lib = ReturnType<typeof openVerbs>["symbols"];
type Libc = ReturnType<typeof openLibc>["symbols"];

/**
 * libibverbs at `path` (default `libibverbs.so.1`) behind the Verbs seam, or null with the reason
 * when it cannot be used here (not Linux, no ABI table for this CPU, dlopen failed).
 */
export function loadVerbs(path = "libibverbs.so.1"): { verbs: Verbs } | { verbs: null; reason: string } {
  const abi = abiFor(process.arch);
  if (process.platform !== "linux" || abi === null) return { verbs: null, reason: `RDMA is not supported on ${process.platform}/${process.arch}` };
  try {
    return { verbs: new FfiVerbs(openVerbs(path).symbols, openLibc().symbols, abi) };
  } catch (e) {
    return { verbs: null, reason: `${path} cannot be loaded (${(e as Error).message})` };
  }
}

interface Ops {
  readonly postSend: CFunctionLike;
  readonly postRecv: CFunctionLike;
  readonly pollCq: CFunctionLike;
}
type CFunctionLike = (...args: unknown[]) => number;

class FfiVerbs implements Verbs {
  private readonly ops = new Map<Handle, Ops>();
  private readonly o: Readonly<Record<string, number>>;
  /** Scratch structs in native memory: one send WR + SGE + bad-WR slot, a receive chain, a WC array. */
  private readonly scratch: NativeBuffer;
  private readonly view: DataView;
  private readonly sendAt = 0;
  private readonly sgeAt: number;
  private readonly badAt: number;
  private readonly recvAt: number;
  private readonly wcAt: number;

  constructor(
    private readonly lib: Lib,
    private readonly libc: Libc,
    private readonly abi: VerbsAbi,
  ) {
    this.o = abi.offsets;
    const s = abi.sizes;
    this.sgeAt = s.ibv_send_wr!;
    this.badAt = this.sgeAt + s.ibv_sge!;
    this.recvAt = this.badAt + 8;
    this.wcAt = this.recvAt + MAX_RECV_CHAIN * s.ibv_recv_wr!;
    this.scratch = this.alloc(this.wcAt + MAX_POLL * s.ibv_wc!);
    this.view = new DataView(this.scratch.bytes.buffer, this.scratch.bytes.byteOffset, this.scratch.bytes.byteLength);
  }

  deviceNames(): string[] {
    const count = new Int32Array(1);
    const list = num(this.lib.ibv_get_device_list(ptr(count)));
    if (list === 0) return [];
    try {
      const names: string[] = [];
      for (let i = 0; i < count[0]! && i < 256; i++) {
        const dev = read.ptr(at(list), i * 8);
        if (dev === 0) break;
        names.push(String(this.lib.ibv_get_device_name(at(dev))));
      }
      return names;
    } finally {
      this.lib.ibv_free_device_list(at(list));
    }
  }

  openDevice(name: string): Handle {
    const count = new Int32Array(1);
    const list = num(this.lib.ibv_get_device_list(ptr(count)));
    if (list === 0) throw this.failed(`ibv_get_device_list for ${name}`);
    try {
      for (let i = 0; i < count[0]! && i < 256; i++) {
        const dev = read.ptr(at(list), i * 8);
        if (dev === 0 || String(this.lib.ibv_get_device_name(at(dev))) !== name) continue;
        return this.handle(num(this.lib.ibv_open_device(at(dev))), `ibv_open_device(${name})`);
      }
    } finally {
      this.lib.ibv_free_device_list(at(list));
    }
    throw new BlitError("TRANSPORT_UNAVAILABLE", `RDMA device ${name} is not present`, { device: name });
  }

  queryPort(ctx: Handle, port: number): PortInfo {
    const attr = new Uint8Array(this.abi.sizes.ibv_port_attr! + 16);
    this.check(this.lib.ibv_query_port(at(ctx), port, ptr(attr)), `ibv_query_port(${port})`);
    const v = new DataView(attr.buffer);
    const o = this.o;
    return {
      state: v.getUint32(o["ibv_port_attr.state"]!, true),
      activeMtu: v.getUint32(o["ibv_port_attr.active_mtu"]!, true),
      lid: v.getUint16(o["ibv_port_attr.lid"]!, true),
      linkLayer: v.getUint8(o["ibv_port_attr.link_layer"]!),
      activeWidth: v.getUint8(o["ibv_port_attr.active_width"]!),
      activeSpeed: v.getUint8(o["ibv_port_attr.active_speed"]!),
    };
  }

  queryGid(ctx: Handle, port: number, index: number): Uint8Array {
    const gid = new Uint8Array(16);
    this.check(this.lib.ibv_query_gid(at(ctx), port, index, ptr(gid)), `ibv_query_gid(${port}, ${index})`);
    return gid;
  }

  allocPd(ctx: Handle): Handle {
    return this.handle(num(this.lib.ibv_alloc_pd(at(ctx))), "ibv_alloc_pd");
  }

  alloc(bytes: number): NativeBuffer {
    const out = new BigUint64Array(1);
    const rc = this.libc.posix_memalign(ptr(out), 4096, Math.max(bytes, 64));
    const addr = Number(out[0]);
    if (rc !== 0 || addr === 0) throw new BlitError("TRANSPORT_UNAVAILABLE", `cannot allocate ${bytes} bytes of registered memory (errno ${rc})`, { errno: rc });
    const view = new Uint8Array(toArrayBuffer(at(addr), 0, bytes));
    view.fill(0);
    return { addr, bytes: view };
  }

  free(buffer: NativeBuffer): void {
    this.libc.free(at(buffer.addr));
  }

  regMr(pd: Handle, buffer: NativeBuffer, access: number): MemoryRegion {
    const mr = this.handle(num(this.lib.ibv_reg_mr(at(pd), at(buffer.addr), buffer.bytes.length, access)), `ibv_reg_mr(${buffer.bytes.length} bytes)`);
    return { handle: mr, addr: buffer.addr, length: buffer.bytes.length, lkey: read.u32(at(mr), this.o["ibv_mr.lkey"]!), rkey: read.u32(at(mr), this.o["ibv_mr.rkey"]!) };
  }

  createCq(ctx: Handle, depth: number): Handle {
    return this.handle(num(this.lib.ibv_create_cq(at(ctx), depth, null, null, 0)), `ibv_create_cq(${depth})`);
  }

  createQp(pd: Handle, cq: Handle, cap: { sendWr: number; recvWr: number }): { handle: Handle; qpn: number } {
    const o = this.o;
    const attr = new Uint8Array(this.abi.sizes.ibv_qp_init_attr!);
    const v = new DataView(attr.buffer);
    v.setBigUint64(o["ibv_qp_init_attr.send_cq"]!, BigInt(cq), true);
    v.setBigUint64(o["ibv_qp_init_attr.recv_cq"]!, BigInt(cq), true);
    v.setUint32(o["ibv_qp_init_attr.cap.max_send_wr"]!, cap.sendWr, true);
    v.setUint32(o["ibv_qp_init_attr.cap.max_recv_wr"]!, cap.recvWr, true);
    v.setUint32(o["ibv_qp_init_attr.cap.max_send_sge"]!, 1, true);
    v.setUint32(o["ibv_qp_init_attr.cap.max_recv_sge"]!, 1, true);
    v.setUint32(o["ibv_qp_init_attr.qp_type"]!, IBV.QPT_RC, true);
    const qp = this.handle(num(this.lib.ibv_create_qp(at(pd), ptr(attr))), "ibv_create_qp");
    return { handle: qp, qpn: read.u32(at(qp), o["ibv_qp.qp_num"]!) };
  }

  toInit(qp: Handle, path: QpPath, access: number): void {
    this.modify(qp, "INIT", IBV.QP_STATE | IBV.QP_PKEY_INDEX | IBV.QP_PORT | IBV.QP_ACCESS_FLAGS, (v, o) => {
      v.setUint32(o["ibv_qp_attr.qp_state"]!, IBV.QPS_INIT, true);
      v.setUint8(o["ibv_qp_attr.port_num"]!, path.port);
      v.setUint32(o["ibv_qp_attr.qp_access_flags"]!, access, true);
    });
  }

  toRtr(qp: Handle, path: QpPath, peer: QpPeer): void {
    const mask = IBV.QP_STATE | IBV.QP_AV | IBV.QP_PATH_MTU | IBV.QP_DEST_QPN | IBV.QP_RQ_PSN | IBV.QP_MAX_DEST_RD_ATOMIC | IBV.QP_MIN_RNR_TIMER;
    this.modify(qp, "RTR", mask, (v, o, bytes) => {
      v.setUint32(o["ibv_qp_attr.qp_state"]!, IBV.QPS_RTR, true);
      v.setUint32(o["ibv_qp_attr.path_mtu"]!, peer.mtu, true);
      v.setUint32(o["ibv_qp_attr.dest_qp_num"]!, peer.qpn, true);
      v.setUint32(o["ibv_qp_attr.rq_psn"]!, peer.psn, true);
      v.setUint8(o["ibv_qp_attr.max_dest_rd_atomic"]!, 1);
      v.setUint8(o["ibv_qp_attr.min_rnr_timer"]!, 12);
      v.setUint16(o["ibv_qp_attr.ah_attr.dlid"]!, peer.lid, true);
      v.setUint8(o["ibv_qp_attr.ah_attr.port_num"]!, path.port);
      if (path.global) {
        v.setUint8(o["ibv_qp_attr.ah_attr.is_global"]!, 1);
        bytes.set(peer.gid.subarray(0, 16), o["ibv_qp_attr.ah_attr.grh.dgid"]!);
        v.setUint8(o["ibv_qp_attr.ah_attr.grh.sgid_index"]!, path.gidIndex);
        v.setUint8(o["ibv_qp_attr.ah_attr.grh.hop_limit"]!, 1);
      }
    });
  }

  toRts(qp: Handle, psn: number): void {
    const mask = IBV.QP_STATE | IBV.QP_TIMEOUT | IBV.QP_RETRY_CNT | IBV.QP_RNR_RETRY | IBV.QP_SQ_PSN | IBV.QP_MAX_QP_RD_ATOMIC;
    this.modify(qp, "RTS", mask, (v, o) => {
      v.setUint32(o["ibv_qp_attr.qp_state"]!, IBV.QPS_RTS, true);
      v.setUint32(o["ibv_qp_attr.sq_psn"]!, psn, true);
      v.setUint8(o["ibv_qp_attr.timeout"]!, 14);
      v.setUint8(o["ibv_qp_attr.retry_cnt"]!, 7);
      v.setUint8(o["ibv_qp_attr.rnr_retry"]!, 7);
      v.setUint8(o["ibv_qp_attr.max_rd_atomic"]!, 1);
    });
  }

  postWrite(qp: Handle, wr: WriteWithImm): number {
    const o = this.o;
    const v = this.view;
    this.scratch.bytes.fill(0, this.sendAt, this.recvAt);
    v.setBigUint64(this.sgeAt + o["ibv_sge.addr"]!, BigInt(wr.local.addr), true);
    v.setUint32(this.sgeAt + o["ibv_sge.length"]!, wr.local.length, true);
    v.setUint32(this.sgeAt + o["ibv_sge.lkey"]!, wr.local.lkey, true);
    v.setBigUint64(this.sendAt + o["ibv_send_wr.wr_id"]!, BigInt(wr.wrId), true);
    v.setBigUint64(this.sendAt + o["ibv_send_wr.sg_list"]!, BigInt(this.scratch.addr + this.sgeAt), true);
    v.setInt32(this.sendAt + o["ibv_send_wr.num_sge"]!, wr.local.length > 0 ? 1 : 0, true);
    v.setUint32(this.sendAt + o["ibv_send_wr.opcode"]!, IBV.WR_RDMA_WRITE_WITH_IMM, true);
    v.setUint32(this.sendAt + o["ibv_send_wr.send_flags"]!, wr.signaled ? IBV.SEND_SIGNALED : 0, true);
    v.setUint32(this.sendAt + o["ibv_send_wr.imm_data"]!, wr.imm >>> 0, false);
    v.setBigUint64(this.sendAt + o["ibv_send_wr.wr.rdma.remote_addr"]!, BigInt(wr.remote.addr), true);
    v.setUint32(this.sendAt + o["ibv_send_wr.wr.rdma.rkey"]!, wr.remote.rkey, true);
    const rc = this.opsOf(qp).postSend(qp, this.scratch.addr + this.sendAt, this.scratch.addr + this.badAt);
    return rc === 0 ? 0 : -Math.abs(rc);
  }

  postRecv(qp: Handle, wrId: number, count: number): number {
    const size = this.abi.sizes.ibv_recv_wr!;
    const o = this.o;
    for (let posted = 0; posted < count; ) {
      const n = Math.min(MAX_RECV_CHAIN, count - posted);
      this.scratch.bytes.fill(0, this.recvAt, this.recvAt + n * size);
      for (let i = 0; i < n; i++) {
        const at = this.recvAt + i * size;
        this.view.setBigUint64(at + o["ibv_recv_wr.wr_id"]!, BigInt(wrId), true);
        if (i + 1 < n) this.view.setBigUint64(at + o["ibv_recv_wr.next"]!, BigInt(this.scratch.addr + at + size), true);
      }
      const rc = this.opsOf(qp).postRecv(qp, this.scratch.addr + this.recvAt, this.scratch.addr + this.badAt);
      if (rc !== 0) return -Math.abs(rc);
      posted += n;
    }
    return 0;
  }

  pollCq(cq: Handle, max: number): Completion[] {
    const n = this.opsOf(cq).pollCq(cq, Math.min(max, MAX_POLL), this.scratch.addr + this.wcAt);
    if (n < 0) return [{ wrId: 0, status: "GENERAL_ERR", opcode: 0, byteLen: 0, imm: null, vendorErr: n }];
    const o = this.o;
    const size = this.abi.sizes.ibv_wc!;
    const out: Completion[] = [];
    for (let i = 0; i < n; i++) {
      const at = this.wcAt + i * size;
      const v = this.view;
      const flags = v.getUint32(at + o["ibv_wc.wc_flags"]!, true);
      out.push({
        wrId: Number(v.getBigUint64(at + o["ibv_wc.wr_id"]!, true)),
        status: WC_STATUS[v.getUint32(at + o["ibv_wc.status"]!, true)] ?? "GENERAL_ERR",
        opcode: v.getUint32(at + o["ibv_wc.opcode"]!, true),
        byteLen: v.getUint32(at + o["ibv_wc.byte_len"]!, true),
        imm: (flags & IBV.WC_WITH_IMM) !== 0 ? v.getUint32(at + o["ibv_wc.imm_data"]!, false) : null,
        vendorErr: v.getUint32(at + o["ibv_wc.vendor_err"]!, true),
      });
    }
    return out;
  }

  destroyQp(qp: Handle): void {
    this.ops.delete(qp);
    this.lib.ibv_destroy_qp(at(qp));
  }

  destroyCq(cq: Handle): void {
    this.ops.delete(cq);
    this.lib.ibv_destroy_cq(at(cq));
  }

  deregMr(mr: MemoryRegion): void {
    this.lib.ibv_dereg_mr(at(mr.handle));
  }

  deallocPd(pd: Handle): void {
    this.lib.ibv_dealloc_pd(at(pd));
  }

  closeDevice(ctx: Handle): void {
    this.lib.ibv_close_device(at(ctx));
  }

  // --- internal ---

  /** The ops-table functions of the context that owns `obj` (a QP or CQ: both start with it). */
  private opsOf(obj: Handle): Ops {
    let ops = this.ops.get(obj);
    if (ops === undefined) {
      const ctx = read.ptr(at(obj), 0);
      const table = ctx + this.o["ibv_context.ops"]!;
      const fn = (field: string, args: FFIType[]): CFunctionLike => {
        const fp = read.ptr(at(table), this.o[`ibv_context_ops.${field}`]!);
        if (fp === 0) throw new BlitError("TRANSPORT_UNAVAILABLE", `the RDMA driver has no ${field}`);
        return CFunction({ ptr: at(fp), args, returns: I32 }) as unknown as CFunctionLike;
      };
      ops = { postSend: fn("post_send", [P, P, P]), postRecv: fn("post_recv", [P, P, P]), pollCq: fn("poll_cq", [P, I32, P]) };
      this.ops.set(obj, ops);
    }
    return ops;
  }

  private modify(qp: Handle, to: string, mask: number, fill: (v: DataView, o: Readonly<Record<string, number>>, bytes: Uint8Array) => void): void {
    const attr = new Uint8Array(this.abi.sizes.ibv_qp_attr!);
    fill(new DataView(attr.buffer), this.o, attr);
    this.check(this.lib.ibv_modify_qp(at(qp), ptr(attr), mask), `ibv_modify_qp(→${to})`);
  }

  private handle(p: number, call: string): Handle {
    if (p === 0) throw this.failed(call);
    return p;
  }

  private check(rc: number, call: string): void {
    if (rc !== 0) throw new BlitError("TRANSPORT_UNAVAILABLE", `${call} failed (errno ${Math.abs(rc)})`, { errno: Math.abs(rc) });
  }

  private failed(call: string): BlitError {
    const where = this.libc.__errno_location();
    const errno = where === null ? 0 : read.i32(where, 0);
    return new BlitError("TRANSPORT_UNAVAILABLE", `${call} failed (errno ${errno})`, { errno });
  }
}
