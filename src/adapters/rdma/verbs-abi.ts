/**
 * The libibverbs ABI the binding relies on (rdma-core's <infiniband/verbs.h>): struct offsets and
 * sizes, the ops-table slots of `struct ibv_context`, and the enum values used. x86-64 and aarch64
 * are both LP64 and every field read or written here lies before the first pthread type of its
 * struct, so both share one table; any other architecture has no table (RDMA unavailable).
 * test/adapters/rdma-verbs-abi.test.ts compiles a C offsetof checker against the real headers and
 * compares it with this file.
 */
export interface VerbsAbi {
  /** Byte offsets of the fields used, per struct, and the struct sizes allocated. */
  readonly offsets: Readonly<Record<string, number>>;
  readonly sizes: Readonly<Record<string, number>>;
}

const LP64: VerbsAbi = {
  offsets: {
    // struct ibv_context: device, then the ops table (function pointers)
    "ibv_context.device": 0,
    "ibv_context.ops": 8,
    "ibv_context_ops.poll_cq": 88,
    "ibv_context_ops.req_notify_cq": 96,
    "ibv_context_ops.post_send": 200,
    "ibv_context_ops.post_recv": 208,
    // struct ibv_qp / ibv_cq / ibv_mr
    "ibv_qp.context": 0,
    "ibv_qp.qp_num": 52,
    "ibv_qp.state": 56,
    "ibv_cq.context": 0,
    "ibv_mr.addr": 16,
    "ibv_mr.length": 24,
    "ibv_mr.lkey": 36,
    "ibv_mr.rkey": 40,
    // struct ibv_port_attr
    "ibv_port_attr.state": 0,
    "ibv_port_attr.max_mtu": 4,
    "ibv_port_attr.active_mtu": 8,
    "ibv_port_attr.gid_tbl_len": 12,
    "ibv_port_attr.lid": 34,
    "ibv_port_attr.active_width": 43,
    "ibv_port_attr.active_speed": 44,
    "ibv_port_attr.link_layer": 46,
    // struct ibv_qp_init_attr (cap is struct ibv_qp_cap)
    "ibv_qp_init_attr.send_cq": 8,
    "ibv_qp_init_attr.recv_cq": 16,
    "ibv_qp_init_attr.cap.max_send_wr": 32,
    "ibv_qp_init_attr.cap.max_recv_wr": 36,
    "ibv_qp_init_attr.cap.max_send_sge": 40,
    "ibv_qp_init_attr.cap.max_recv_sge": 44,
    "ibv_qp_init_attr.cap.max_inline_data": 48,
    "ibv_qp_init_attr.qp_type": 52,
    "ibv_qp_init_attr.sq_sig_all": 56,
    // struct ibv_qp_attr (ah_attr is struct ibv_ah_attr, grh struct ibv_global_route)
    "ibv_qp_attr.qp_state": 0,
    "ibv_qp_attr.path_mtu": 8,
    "ibv_qp_attr.rq_psn": 20,
    "ibv_qp_attr.sq_psn": 24,
    "ibv_qp_attr.dest_qp_num": 28,
    "ibv_qp_attr.qp_access_flags": 32,
    "ibv_qp_attr.ah_attr.grh.dgid": 56,
    "ibv_qp_attr.ah_attr.grh.sgid_index": 76,
    "ibv_qp_attr.ah_attr.grh.hop_limit": 77,
    "ibv_qp_attr.ah_attr.dlid": 80,
    "ibv_qp_attr.ah_attr.sl": 82,
    "ibv_qp_attr.ah_attr.is_global": 85,
    "ibv_qp_attr.ah_attr.port_num": 86,
    "ibv_qp_attr.pkey_index": 120,
    "ibv_qp_attr.max_rd_atomic": 126,
    "ibv_qp_attr.max_dest_rd_atomic": 127,
    "ibv_qp_attr.min_rnr_timer": 128,
    "ibv_qp_attr.port_num": 129,
    "ibv_qp_attr.timeout": 130,
    "ibv_qp_attr.retry_cnt": 131,
    "ibv_qp_attr.rnr_retry": 132,
    // struct ibv_sge, ibv_send_wr, ibv_recv_wr, ibv_wc
    "ibv_sge.addr": 0,
    "ibv_sge.length": 8,
    "ibv_sge.lkey": 12,
    "ibv_send_wr.wr_id": 0,
    "ibv_send_wr.next": 8,
    "ibv_send_wr.sg_list": 16,
    "ibv_send_wr.num_sge": 24,
    "ibv_send_wr.opcode": 28,
    "ibv_send_wr.send_flags": 32,
    "ibv_send_wr.imm_data": 36,
    "ibv_send_wr.wr.rdma.remote_addr": 40,
    "ibv_send_wr.wr.rdma.rkey": 48,
    "ibv_recv_wr.wr_id": 0,
    "ibv_recv_wr.next": 8,
    "ibv_recv_wr.sg_list": 16,
    "ibv_recv_wr.num_sge": 24,
    "ibv_wc.wr_id": 0,
    "ibv_wc.status": 8,
    "ibv_wc.opcode": 12,
    "ibv_wc.vendor_err": 16,
    "ibv_wc.byte_len": 20,
    "ibv_wc.imm_data": 24,
    "ibv_wc.qp_num": 28,
    "ibv_wc.wc_flags": 36,
  },
  sizes: {
    ibv_port_attr: 52,
    ibv_gid: 16,
    ibv_qp_init_attr: 64,
    ibv_qp_attr: 144,
    ibv_sge: 16,
    ibv_send_wr: 128,
    ibv_recv_wr: 32,
    ibv_wc: 48,
  },
};

/** The table for this process's architecture, or null where none is known. */
export function abiFor(arch: string): VerbsAbi | null {
  return arch === "x64" || arch === "arm64" ? LP64 : null;
}

/** Enum and flag values of verbs.h used by the adapter. */
export const IBV = {
  ACCESS_LOCAL_WRITE: 1,
  ACCESS_REMOTE_WRITE: 2,
  QPT_RC: 2,
  QPS_RESET: 0,
  QPS_INIT: 1,
  QPS_RTR: 2,
  QPS_RTS: 3,
  QPS_ERR: 6,
  QP_STATE: 1 << 0,
  QP_ACCESS_FLAGS: 1 << 3,
  QP_PKEY_INDEX: 1 << 4,
  QP_PORT: 1 << 5,
  QP_AV: 1 << 7,
  QP_PATH_MTU: 1 << 8,
  QP_TIMEOUT: 1 << 9,
  QP_RETRY_CNT: 1 << 10,
  QP_RNR_RETRY: 1 << 11,
  QP_RQ_PSN: 1 << 12,
  QP_MAX_QP_RD_ATOMIC: 1 << 13,
  QP_MIN_RNR_TIMER: 1 << 15,
  QP_SQ_PSN: 1 << 16,
  QP_MAX_DEST_RD_ATOMIC: 1 << 17,
  QP_DEST_QPN: 1 << 20,
  WR_RDMA_WRITE_WITH_IMM: 1,
  SEND_SIGNALED: 1 << 1,
  WC_RDMA_WRITE: 1,
  WC_RECV_RDMA_WITH_IMM: 129,
  WC_WITH_IMM: 1 << 1,
  PORT_ACTIVE: 4,
  LINK_LAYER_INFINIBAND: 1,
  LINK_LAYER_ETHERNET: 2,
} as const;

/** ibv_wc_status values, by name (the index is the value). */
export const WC_STATUS = [
  "SUCCESS",
  "LOC_LEN_ERR",
  "LOC_QP_OP_ERR",
  "LOC_EEC_OP_ERR",
  "LOC_PROT_ERR",
  "WR_FLUSH_ERR",
  "MW_BIND_ERR",
  "BAD_RESP_ERR",
  "LOC_ACCESS_ERR",
  "REM_INV_REQ_ERR",
  "REM_ACCESS_ERR",
  "REM_OP_ERR",
  "RETRY_EXC_ERR",
  "RNR_RETRY_EXC_ERR",
  "LOC_RDD_VIOL_ERR",
  "REM_INV_RD_REQ_ERR",
  "REM_ABORT_ERR",
  "INV_EECN_ERR",
  "INV_EEC_STATE_ERR",
  "FATAL_ERR",
  "RESP_TIMEOUT_ERR",
  "GENERAL_ERR",
  "TM_ERR",
  "TM_RNDV_INCOMPLETE",
] as const;
export type WcStatus = (typeof WC_STATUS)[number];

/** enum ibv_mtu: 1 = 256 bytes … 5 = 4096 bytes. */
export const mtuBytes = (mtu: number): number => (mtu >= 1 && mtu <= 5 ? 128 << mtu : 0);
