/**
 * An in-memory libibverbs behind the RDMA adapter's Verbs seam, for tests without hardware. It
 * models what the adapter relies on: the QP state machine (RESET → INIT → RTR → RTS, ERR), memory
 * regions with bounds, keys and access rights (a bad rkey or range is REM_ACCESS_ERR at the
 * sender), RNR (a write with no receive posted waits for one while rnr_retry is 7, fails with
 * RNR_RETRY_EXC_ERR otherwise), the flush of posted work when a QP fails, a destroyed peer QP
 * (RETRY_EXC_ERR), immediate data and byte_len. Writes travel asynchronously (a microtask), in
 * order per QP. Hooks let tests rewrite a write or drop a completion.
 */
import { BlitError } from "../../src/domain/errors.ts";
import type { Completion, Handle, MemoryRegion, NativeBuffer, PortInfo, QpPath, QpPeer, Verbs, WriteWithImm } from "../../src/adapters/rdma/verbs.ts";
import { IBV, type WcStatus } from "../../src/adapters/rdma/verbs-abi.ts";

interface Mr extends MemoryRegion {
  readonly pd: Handle;
  readonly access: number;
  readonly buffer: NativeBuffer;
}

interface Qp {
  readonly handle: Handle;
  readonly qpn: number;
  readonly pd: Handle;
  readonly cq: Completion[];
  state: number;
  peerQpn: number;
  readonly recvs: number[];
  /** Writes waiting for a receive at the peer (RNR), in order. */
  readonly waiting: WriteWithImm[];
  rnrRetry: number;
}

const EINVAL = 22;

export class VerbsDouble implements Verbs {
  /** Rewrites a write before it travels (tests of a lying peer). */
  rewrite: ((wr: WriteWithImm) => WriteWithImm) | null = null;
  /** Drops a completion before it reaches the CQ (a lost completion). */
  drop: ((c: Completion) => boolean) | null = null;
  /** rnr_retry given to QPs at RTS: 7 waits for a receive for ever, less fails at once. */
  rnrRetry = 7;
  readonly calls: string[] = [];
  private next = 0x1000;
  private readonly qps = new Map<Handle, Qp>();
  private readonly byQpn = new Map<number, Qp>();
  private readonly mrs = new Map<number, Mr>();
  private readonly cqs = new Map<Handle, Completion[]>();
  private readonly live = new Set<Handle>();

  constructor(private readonly devices: string[] = ["double0"]) {}

  /** Handles created and not yet destroyed (a leak check). */
  get liveHandles(): number {
    return this.live.size;
  }

  deviceNames(): string[] {
    return [...this.devices];
  }

  openDevice(name: string): Handle {
    if (!this.devices.includes(name)) throw new BlitError("TRANSPORT_UNAVAILABLE", `no device ${name}`);
    return this.make("ctx");
  }

  queryPort(_ctx: Handle, port: number): PortInfo {
    if (port !== 1) throw new BlitError("TRANSPORT_UNAVAILABLE", `ibv_query_port(${port}) failed (errno ${EINVAL})`);
    return { state: IBV.PORT_ACTIVE, activeMtu: 5, lid: 0, linkLayer: IBV.LINK_LAYER_ETHERNET, activeWidth: 2, activeSpeed: 32 };
  }

  queryGid(_ctx: Handle, _port: number, index: number): Uint8Array {
    return Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? index : i === 10 || i === 11 ? 0xff : 0));
  }

  allocPd(_ctx: Handle): Handle {
    return this.make("pd");
  }

  alloc(bytes: number): NativeBuffer {
    const addr = this.next;
    this.next += Math.ceil(bytes / 4096) * 4096 + 4096;
    return { addr, bytes: new Uint8Array(bytes) };
  }

  free(_buffer: NativeBuffer): void {}

  regMr(pd: Handle, buffer: NativeBuffer, access: number): MemoryRegion {
    const handle = this.make("mr");
    const key = handle & 0xffffff;
    const mr: Mr = { handle, addr: buffer.addr, length: buffer.bytes.length, lkey: key, rkey: key ^ 0x5a5a00, pd, access, buffer };
    this.mrs.set(handle, mr);
    return mr;
  }

  createCq(_ctx: Handle, _depth: number): Handle {
    const cq = this.make("cq");
    this.cqs.set(cq, []);
    return cq;
  }

  createQp(pd: Handle, cq: Handle, _cap: { sendWr: number; recvWr: number }): { handle: Handle; qpn: number } {
    const handle = this.make("qp");
    const qp: Qp = { handle, qpn: handle & 0xffffff, pd, cq: this.cqs.get(cq)!, state: IBV.QPS_RESET, peerQpn: 0, recvs: [], waiting: [], rnrRetry: 0 };
    this.qps.set(handle, qp);
    this.byQpn.set(qp.qpn, qp);
    return { handle, qpn: qp.qpn };
  }

  toInit(qp: Handle, _path: QpPath, _access: number): void {
    this.transition(qp, IBV.QPS_RESET, IBV.QPS_INIT);
  }

  toRtr(qp: Handle, _path: QpPath, peer: QpPeer): void {
    this.transition(qp, IBV.QPS_INIT, IBV.QPS_RTR).peerQpn = peer.qpn;
  }

  toRts(qp: Handle, _psn: number): void {
    this.transition(qp, IBV.QPS_RTR, IBV.QPS_RTS).rnrRetry = this.rnrRetry;
  }

  postWrite(handle: Handle, wr: WriteWithImm): number {
    const qp = this.qps.get(handle);
    if (qp === undefined || (qp.state !== IBV.QPS_RTS && qp.state !== IBV.QPS_ERR)) return -EINVAL;
    const sent = this.rewrite === null ? wr : this.rewrite(wr);
    queueMicrotask(() => this.travel(qp, sent));
    return 0;
  }

  postRecv(handle: Handle, wrId: number, count: number): number {
    const qp = this.qps.get(handle);
    if (qp === undefined || qp.state === IBV.QPS_RESET) return -EINVAL;
    for (let i = 0; i < count; i++) {
      if (qp.state === IBV.QPS_ERR) this.complete(qp.cq, { wrId, status: "WR_FLUSH_ERR", opcode: IBV.WC_RECV_RDMA_WITH_IMM, byteLen: 0, imm: null, vendorErr: 0 });
      else qp.recvs.push(wrId);
    }
    // A receive posted lets writes waiting on RNR land, in order.
    for (const waiter of this.qps.values()) if (waiter.peerQpn === qp.qpn && waiter.waiting.length > 0) this.retryWaiting(waiter);
    return 0;
  }

  pollCq(cq: Handle, max: number): Completion[] {
    return this.cqs.get(cq)?.splice(0, max) ?? [];
  }

  destroyQp(handle: Handle): void {
    const qp = this.qps.get(handle);
    if (qp === undefined) throw new BlitError("INTERNAL", "destroy of an unknown QP");
    this.qps.delete(handle);
    this.byQpn.delete(qp.qpn);
    this.kill(handle);
  }

  destroyCq(cq: Handle): void {
    for (const qp of this.qps.values()) if (qp.cq === this.cqs.get(cq)) throw new BlitError("INTERNAL", "CQ destroyed before its QP (EBUSY)");
    this.cqs.delete(cq);
    this.kill(cq);
  }

  deregMr(mr: MemoryRegion): void {
    this.mrs.delete(mr.handle);
    this.kill(mr.handle);
  }

  deallocPd(pd: Handle): void {
    for (const m of this.mrs.values()) if (m.pd === pd) throw new BlitError("INTERNAL", "PD deallocated before its MRs (EBUSY)");
    this.kill(pd);
  }

  closeDevice(ctx: Handle): void {
    this.kill(ctx);
  }

  /** The QP numbered `qpn` disappears as if its process died (no flush, no message). */
  vanish(qpn: number): void {
    const qp = this.byQpn.get(qpn);
    if (qp !== undefined) this.byQpn.delete(qpn);
  }

  // --- internal ---

  private make(kind: string): Handle {
    const h = this.next++;
    this.live.add(h);
    this.calls.push(kind);
    return h;
  }

  private kill(h: Handle): void {
    if (!this.live.delete(h)) throw new BlitError("INTERNAL", `handle ${h} destroyed twice or never made`);
    this.calls.push("destroy");
  }

  private transition(handle: Handle, from: number, to: number): Qp {
    const qp = this.qps.get(handle);
    if (qp === undefined || qp.state !== from) throw new BlitError("TRANSPORT_UNAVAILABLE", `ibv_modify_qp(→${to}) failed (errno ${EINVAL})`, { errno: EINVAL });
    qp.state = to;
    return qp;
  }

  private travel(qp: Qp, wr: WriteWithImm): void {
    if (qp.state !== IBV.QPS_RTS) return this.sendDone(qp, wr, "WR_FLUSH_ERR");
    if (qp.waiting.length > 0) return void qp.waiting.push(wr);
    this.land(qp, wr);
  }

  private land(qp: Qp, wr: WriteWithImm): boolean {
    const local = this.findMr(wr.local.lkey, "l");
    if (wr.local.length > 0 && (local === undefined || local.pd !== qp.pd || !within(local, wr.local.addr, wr.local.length))) return this.fault(qp, wr, "LOC_PROT_ERR");
    const peer = this.byQpn.get(qp.peerQpn);
    if (peer === undefined || (peer.state !== IBV.QPS_RTR && peer.state !== IBV.QPS_RTS)) return this.fault(qp, wr, "RETRY_EXC_ERR");
    const target = this.findMr(wr.remote.rkey, "r");
    if (wr.local.length > 0 && (target === undefined || target.pd !== peer.pd || (target.access & IBV.ACCESS_REMOTE_WRITE) === 0 || !within(target, wr.remote.addr, wr.local.length))) {
      this.toError(peer);
      return this.fault(qp, wr, "REM_ACCESS_ERR");
    }
    const recv = peer.recvs.shift();
    if (recv === undefined) {
      if (qp.rnrRetry >= 7) {
        qp.waiting.push(wr);
        return false;
      }
      return this.fault(qp, wr, "RNR_RETRY_EXC_ERR");
    }
    if (wr.local.length > 0) {
      const from = local!.buffer.bytes.subarray(wr.local.addr - local!.addr, wr.local.addr - local!.addr + wr.local.length);
      target!.buffer.bytes.set(from, wr.remote.addr - target!.addr);
    }
    this.complete(peer.cq, { wrId: recv, status: "SUCCESS", opcode: IBV.WC_RECV_RDMA_WITH_IMM, byteLen: wr.local.length, imm: wr.imm, vendorErr: 0 });
    this.sendDone(qp, wr, "SUCCESS");
    return true;
  }

  private retryWaiting(qp: Qp): void {
    const pending = qp.waiting.splice(0);
    for (let i = 0; i < pending.length; i++) {
      if (!this.land(qp, pending[i]!)) {
        // land() queued it again at the end: keep the rest behind it, in order.
        qp.waiting.push(...pending.slice(i + 1));
        return;
      }
    }
  }

  private fault(qp: Qp, wr: WriteWithImm, status: WcStatus): boolean {
    this.sendDone(qp, wr, status);
    this.toError(qp);
    return true;
  }

  /** The QP enters ERR: posted receives and waiting writes complete with WR_FLUSH_ERR. */
  private toError(qp: Qp): void {
    if (qp.state === IBV.QPS_ERR) return;
    qp.state = IBV.QPS_ERR;
    for (const r of qp.recvs.splice(0)) this.complete(qp.cq, { wrId: r, status: "WR_FLUSH_ERR", opcode: IBV.WC_RECV_RDMA_WITH_IMM, byteLen: 0, imm: null, vendorErr: 0 });
    for (const w of qp.waiting.splice(0)) this.sendDone(qp, w, "WR_FLUSH_ERR");
  }

  private sendDone(qp: Qp, wr: WriteWithImm, status: WcStatus): void {
    if (wr.signaled || status !== "SUCCESS") this.complete(qp.cq, { wrId: wr.wrId, status, opcode: IBV.WC_RDMA_WRITE, byteLen: 0, imm: null, vendorErr: 0 });
  }

  private complete(cq: Completion[], c: Completion): void {
    if (this.drop?.(c) === true) return;
    cq.push(c);
  }

  private findMr(key: number, which: "l" | "r"): Mr | undefined {
    for (const m of this.mrs.values()) if ((which === "l" ? m.lkey : m.rkey) === key) return m;
    return undefined;
  }
}

const within = (mr: Mr, addr: number, length: number): boolean => addr >= mr.addr && addr + length <= mr.addr + mr.length;
