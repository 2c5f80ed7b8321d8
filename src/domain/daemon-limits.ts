/**
 * The daemon's fair-share limits (SPEC §5): what one connection, one client address and one
 * session may hold at once, and how long a peer may stay silent. docs/daemon.md ("Limits") lists
 * each with what a client sees when it hits it. A client address is the peer's IP address.
 */
export const DAEMON_LIMITS = {
  /** Open control connections over all clients; more are closed at once. */
  maxConnections: 1024,
  /** Open control connections from one client address; more are closed at once. */
  maxConnectionsPerAddress: 64,
  /** A control connection that opens no call (or never sends the HTTP/2 preface) within this time is closed. */
  firstCallTimeoutMs: 10_000,
  /** Calls in flight over all clients; more are refused as busy (UNREACHABLE, retryable). */
  maxCalls: 512,
  /** Calls in flight from one client address; more are refused as busy. */
  maxCallsPerAddress: 128,
  /** Calls in flight on one connection; more are refused as busy. */
  maxCallsPerConnection: 64,
  /** A Push or Pull call must send its SessionHeader within this time. */
  sessionHeaderTimeoutMs: 10_000,
  /** After the negotiation, a session must send its first request within this time. */
  sessionFirstRequestTimeoutMs: 15_000,
  /** A session with no request running that sends nothing for this long is ended. */
  sessionIdleTimeoutMs: 10 * 60_000,
  /** Messages of one session received and decoded before the daemon handles them; then its stream waits. */
  sessionMessagesAhead: 32,
  /** Items (paths, entries, files) one session request may carry. */
  maxRequestItems: 4096,
  /** Destination claims one session may hold (a run claims one; each holds a descriptor per directory level). */
  maxClaimsPerSession: 8,
  /** Items of all requests one session runs at once; further requests wait. */
  maxSessionItemsInFlight: 16_384,
  /** Bytes of data records for files no request of the session named yet, held per session. */
  maxUnannouncedBytes: 16 << 20,
  /** How long data for a file no request named may wait for that request before the session fails. */
  unannouncedWaitMs: 10_000,
  /** A data connection must present its token within this time, or it is closed. */
  dataHelloTimeoutMs: 5_000,
  /** Data connections from one client address that have not presented a token yet; more are closed. */
  maxPendingDataConnectionsPerAddress: 64,
  /** After a session ended, its data connections get this long to send their END before they are closed. */
  dataLingerMs: 5_000,
} as const;

/** The client address of a peer string `host:port` (how grpc-js names a call's peer; `::1:5000` for IPv6). */
export const peerAddress = (peer: string): string => clientAddress(peer.replace(/^\[(.*)\](:\d+)?$/, "$1$2").replace(/:\d+$/, ""));

/** A socket's remote address as a client address: `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4. */
export const clientAddress = (address: string): string => address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
