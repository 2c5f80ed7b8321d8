import { BlitError, type ErrorCode } from "../../domain/errors.ts";
import type { WcStatus } from "./verbs-abi.ts";

/**
 * What each completion status means for a transfer. The peer or the path gone (retries
 * exhausted, timeouts, flushed work after the QP failed) is PEER_CLOSED, which a retry may cure;
 * the two sides disagreeing about memory, keys or the protocol is PROTOCOL_MISMATCH; a local
 * misuse of the verbs API is a bug (INTERNAL); a device failure is TRANSPORT_UNAVAILABLE.
 */
const CODE_OF: Readonly<Record<WcStatus, ErrorCode>> = {
  SUCCESS: "INTERNAL",
  LOC_LEN_ERR: "INTERNAL",
  LOC_QP_OP_ERR: "INTERNAL",
  LOC_EEC_OP_ERR: "INTERNAL",
  LOC_PROT_ERR: "INTERNAL",
  WR_FLUSH_ERR: "PEER_CLOSED",
  MW_BIND_ERR: "INTERNAL",
  BAD_RESP_ERR: "PROTOCOL_MISMATCH",
  LOC_ACCESS_ERR: "INTERNAL",
  REM_INV_REQ_ERR: "PROTOCOL_MISMATCH",
  REM_ACCESS_ERR: "PROTOCOL_MISMATCH",
  REM_OP_ERR: "PROTOCOL_MISMATCH",
  RETRY_EXC_ERR: "PEER_CLOSED",
  RNR_RETRY_EXC_ERR: "PEER_CLOSED",
  LOC_RDD_VIOL_ERR: "INTERNAL",
  REM_INV_RD_REQ_ERR: "PROTOCOL_MISMATCH",
  REM_ABORT_ERR: "PEER_CLOSED",
  INV_EECN_ERR: "INTERNAL",
  INV_EEC_STATE_ERR: "INTERNAL",
  FATAL_ERR: "TRANSPORT_UNAVAILABLE",
  RESP_TIMEOUT_ERR: "PEER_CLOSED",
  GENERAL_ERR: "TRANSPORT_UNAVAILABLE",
  TM_ERR: "PROTOCOL_MISMATCH",
  TM_RNDV_INCOMPLETE: "PROTOCOL_MISMATCH",
};

const WHY: Partial<Record<WcStatus, string>> = {
  WR_FLUSH_ERR: "the queue pair failed and its work was flushed",
  REM_ACCESS_ERR: "the peer refused the write (memory key or bounds)",
  REM_INV_REQ_ERR: "the peer found the request invalid",
  RETRY_EXC_ERR: "the peer stopped acknowledging (retries exhausted)",
  RNR_RETRY_EXC_ERR: "the peer posted no receive in time (RNR retries exhausted)",
  RESP_TIMEOUT_ERR: "the peer did not respond in time",
  FATAL_ERR: "the RDMA device reported a fatal error",
};

/** The one mapping of an RDMA completion status to a BlitError. */
export function toBlitError(status: WcStatus, context: { readonly peer: string; readonly vendorErr?: number }): BlitError {
  const why = WHY[status] ?? `completion status ${status}`;
  return new BlitError(CODE_OF[status], `RDMA data connection with ${context.peer} failed: ${why} (IBV_WC_${status})`, {
    status,
    vendorErr: context.vendorErr ?? 0,
  });
}
