import type { WcStatus } from "./verbs-abi.ts";

/** An opaque native handle (a pointer to a libibverbs object). */
export type Handle = number;

/** Memory allocated outside the JS heap (it never moves), with a view of its bytes. */
export interface NativeBuffer {
  readonly addr: number;
  readonly bytes: Uint8Array;
}

export interface MemoryRegion {
  readonly handle: Handle;
  readonly addr: number;
  readonly length: number;
  readonly lkey: number;
  readonly rkey: number;
}

export interface PortInfo {
  /** enum ibv_port_state (4 = ACTIVE). */
  readonly state: number;
  /** enum ibv_mtu of the port. */
  readonly activeMtu: number;
  readonly lid: number;
  /** 1 = InfiniBand, 2 = Ethernet (RoCE). */
  readonly linkLayer: number;
  /** IB width code (1 = 1x, 2 = 4x, 4 = 8x, 8 = 12x, 16 = 2x) and speed code, for the link rate. */
  readonly activeWidth: number;
  readonly activeSpeed: number;
}

/** Where a QP sends to and how: the peer's half of the out-of-band exchange. */
export interface QpPeer {
  readonly qpn: number;
  readonly psn: number;
  readonly lid: number;
  readonly gid: Uint8Array;
  /** enum ibv_mtu both sides use (the smaller of the two). */
  readonly mtu: number;
}

export interface QpPath {
  readonly port: number;
  readonly gidIndex: number;
  /** The path needs a GRH (RoCE, or IB across subnets). */
  readonly global: boolean;
}

/** One RDMA WRITE WITH IMMEDIATE from a local registered range into the peer's memory. */
export interface WriteWithImm {
  readonly wrId: number;
  readonly local: { readonly addr: number; readonly length: number; readonly lkey: number };
  readonly remote: { readonly addr: number; readonly rkey: number };
  /** Immediate data (host order here; the binding puts it on the wire in network order). */
  readonly imm: number;
  readonly signaled: boolean;
}

export interface Completion {
  readonly wrId: number;
  readonly status: WcStatus;
  /** enum ibv_wc_opcode (1 = RDMA_WRITE, 129 = RECV_RDMA_WITH_IMM). */
  readonly opcode: number;
  readonly byteLen: number;
  /** Immediate data (host order), or null when the completion carries none. */
  readonly imm: number | null;
  readonly vendorErr: number;
}

/**
 * The libibverbs calls the RDMA adapter makes: verbs.ffi.ts binds the real library, tests bind
 * an in-memory double. Failing calls throw BlitError (TRANSPORT_UNAVAILABLE, with the errno);
 * the data-path calls (post, poll) return a negative errno or the completions.
 */
export interface Verbs {
  /** Names of the RDMA devices; [] when there are none (or the kernel has no RDMA). */
  deviceNames(): string[];
  openDevice(name: string): Handle;
  queryPort(ctx: Handle, port: number): PortInfo;
  queryGid(ctx: Handle, port: number, index: number): Uint8Array;
  allocPd(ctx: Handle): Handle;
  /** Page-aligned native memory (posix_memalign), for registration. */
  alloc(bytes: number): NativeBuffer;
  free(buffer: NativeBuffer): void;
  regMr(pd: Handle, buffer: NativeBuffer, access: number): MemoryRegion;
  createCq(ctx: Handle, depth: number): Handle;
  /** An RC QP on `cq` (send and receive), returning its handle and QP number. */
  createQp(pd: Handle, cq: Handle, cap: { readonly sendWr: number; readonly recvWr: number }): { readonly handle: Handle; readonly qpn: number };
  /** RESET → INIT with remote-write access on `path.port`. */
  toInit(qp: Handle, path: QpPath, access: number): void;
  /** INIT → RTR towards `peer` (dest QPN, RQ PSN, MTU, address vector). */
  toRtr(qp: Handle, path: QpPath, peer: QpPeer): void;
  /** RTR → RTS with our send PSN (timeout 14, retry 7, RNR retry 7). */
  toRts(qp: Handle, psn: number): void;
  /** 0 or a negative errno (through the context's ops table). */
  postWrite(qp: Handle, wr: WriteWithImm): number;
  /** Posts `count` receive WRs without scatter entries (for WRITE WITH IMM); 0 or a negative errno. */
  postRecv(qp: Handle, wrId: number, count: number): number;
  /** Up to `max` completions; [] when none is ready. */
  pollCq(cq: Handle, max: number): Completion[];
  destroyQp(qp: Handle): void;
  destroyCq(cq: Handle): void;
  deregMr(mr: MemoryRegion): void;
  deallocPd(pd: Handle): void;
  closeDevice(ctx: Handle): void;
}
