/**
 * Whether a client trusts the daemon it reached (SPEC §9), first match wins: a pinned
 * fingerprint (`--pin`), then the known-hosts entry for `host:port`. (`--ca` is checked by the
 * TLS library: a chain to that CA and the host name.) Nothing here trusts a certificate that
 * differs from what was pinned or recorded.
 */
import type { KnownHost } from "./known-hosts.ts";

export type TrustDecision =
  /** The certificate is the pinned or recorded one. */
  | { readonly kind: "trusted" }
  /** Nothing pinned or recorded: ask (terminal) or refuse with the trust command. */
  | { readonly kind: "unknown" }
  /** `--pin` names another certificate. */
  | { readonly kind: "pin-mismatch"; readonly pinned: string }
  /** The recorded fingerprint differs: refuse, naming the known-hosts line. */
  | { readonly kind: "changed"; readonly known: KnownHost };

/** The decision for a daemon presenting `fingerprint`. */
export function decideTrust(fingerprint: string, pin: string | null, known: KnownHost | null): TrustDecision {
  if (pin !== null) return pin === fingerprint ? { kind: "trusted" } : { kind: "pin-mismatch", pinned: pin };
  if (known === null) return { kind: "unknown" };
  return known.fingerprint === fingerprint ? { kind: "trusted" } : { kind: "changed", known };
}
