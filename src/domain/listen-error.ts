import { BlitError } from "./errors.ts";

/** What the operator can do about each reason a listening socket could not be opened. */
const REASONS: Readonly<Record<string, string>> = {
  EADDRNOTAVAIL: "this machine has no such address: bind one it has (see `ip addr`), or 0.0.0.0 / :: for all of them",
  EADDRINUSE: "the port is already in use: stop the program using it or choose another port",
  EACCES: "permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a higher port",
  EAFNOSUPPORT: "this machine has no network stack for that address family: bind an IPv4 address such as 0.0.0.0",
};

/** The errno names REASONS knows, found in a message (libraries that only say it in text). */
export const LISTEN_ERRNOS: readonly string[] = Object.keys(REASONS);

/**
 * The one-line error (TRANSPORT_UNAVAILABLE, exit 6) for a socket that could not listen on
 * `address` (`host:port`) because of errno name `errno` ("" when unknown).
 */
export function listenError(address: string, errno: string): BlitError {
  const why = REASONS[errno] ?? (errno === "" ? "the system refused it" : `the system refused it (${errno})`);
  return new BlitError("TRANSPORT_UNAVAILABLE", `cannot listen on ${address}: ${why}`, { address, errno });
}
