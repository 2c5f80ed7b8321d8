/** grpc-js options that make a silent peer a lost connection (SPEC §4, domain/stall-window.ts). */
import { KEEPALIVE_INTERVAL_MS, KEEPALIVE_TIMEOUT_MS } from "../../domain/stall-window.ts";

/**
 * HTTP/2 PINGs every KEEPALIVE_INTERVAL_MS, also between calls; one unanswered for
 * KEEPALIVE_TIMEOUT_MS closes the connection, which fails its calls with UNAVAILABLE. The peer's
 * HTTP/2 stack answers a PING whatever its calls are doing, so only a frozen or unreachable peer
 * misses one. Used on both sides: clients (control, sessions) and the daemon's server.
 */
export const KEEPALIVE_OPTIONS = {
  "grpc.keepalive_time_ms": KEEPALIVE_INTERVAL_MS,
  "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
  "grpc.keepalive_permit_without_calls": 1,
} as const;
