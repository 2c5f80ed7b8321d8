/**
 * How long a peer may stay silent (SPEC §4 "Stall detector"): a daemon or client that answers
 * nothing — frozen, or behind a link that dropped without a FIN — ends the run with exit 7 within
 * {@link STALL_WINDOW_MS}, in every phase. Live peers are told apart from frozen ones by keepalives
 * on every connection: an HTTP/2 PING every {@link KEEPALIVE_INTERVAL_MS} that must be answered
 * within {@link KEEPALIVE_TIMEOUT_MS} (the peer's process answers it, so a slow link that still
 * carries bytes is never taken for a frozen peer), and TCP keepalive probes on data connections.
 */
export const STALL_WINDOW_MS = 30_000;

/** Time between keepalive pings on a control connection (and between TCP keepalive probes). */
export const KEEPALIVE_INTERVAL_MS = 10_000;

/** How long a keepalive ping may go unanswered before the connection counts as lost. */
export const KEEPALIVE_TIMEOUT_MS = 10_000;

/** Interval plus timeout must detect a silent peer within the window, with room to end the run. */
export const SILENT_PEER_DETECTED_MS = KEEPALIVE_INTERVAL_MS + KEEPALIVE_TIMEOUT_MS;
