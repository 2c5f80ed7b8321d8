/**
 * The one trust module of every program that dials a daemon (SPEC §9). For each `host:port` it
 * probes the daemon's certificate once, before anything else is sent, and decides, first match
 * wins: `--pin`, `--ca` (a chain to that CA and the host name), the known-hosts file. An unknown
 * daemon is recorded only when the user says yes on a terminal; without one — and in a daemon —
 * it is refused (exit 4) with its fingerprint and the way to trust it. A changed certificate is
 * refused with an ssh-style warning naming the known-hosts line. A daemon that does not speak TLS
 * is refused unless plaintext was asked for (`--no-tls`): there is never a silent downgrade.
 * Every later connection to that daemon (control and data) accepts only the decided certificate.
 */
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { findKnownHost, hostKey, knownHostLine, parseKnownHosts } from "../../domain/known-hosts.ts";
import { decideTrust } from "../../domain/trust-decision.ts";
import type { ClientTls, TlsProbe } from "../../ports/tls.ts";

export interface TrustSettings {
  readonly pin: string | null;
  readonly ca: { readonly pem: string; readonly file: string } | null;
  readonly noTls: boolean;
  readonly identity: ClientTls["identity"];
  readonly knownHostsFile: string;
  /** The client's own name in messages ("blit", "the destination daemon"). */
  readonly who: "client" | "daemon";
}

/** What the resolver needs from the process. */
export interface TrustIo {
  readonly probe: TlsProbe;
  /** The known-hosts file's text ("" when it does not exist). */
  readonly readKnownHosts: (file: string) => string;
  /** Appends one line (creating the file and its directory). */
  readonly appendKnownHost: (file: string, line: string) => void;
  /** Asks `question` [y/N] on a terminal; null when there is none. */
  readonly ask: ((question: string) => Promise<boolean>) | null;
  /** Prints to stderr. */
  readonly note: (text: string) => void;
}

export type TrustResolver = (address: { host: string; port: number }) => Promise<ClientTls | null>;

/** A resolver deciding each daemon once per process; questions are asked one at a time. */
export function createTrustResolver(settings: TrustSettings, io: TrustIo): TrustResolver {
  const decided = new Map<string, Promise<ClientTls | null>>();
  let asking: Promise<unknown> = Promise.resolve();
  const serialized: TrustIo = {
    ...io,
    ask:
      io.ask === null
        ? null
        : (q) => {
            const next = asking.then(() => io.ask!(q));
            asking = next.catch(() => {});
            return next;
          },
  };
  return (address) => {
    const key = hostKey(address.host, address.port);
    let d = decided.get(key);
    if (d === undefined) {
      d = decide(address, settings, serialized).catch((e: unknown) => {
        // A delegating daemon's refusal makes the CLI relay instead (with one warning saying why).
        throw settings.who === "daemon" && isBlitError(e) ? new BlitError(e.code, e.message, { ...e.details, delegation: "refused" }, { cause: e }) : e;
      });
      decided.set(key, d);
      d.catch(() => decided.delete(key));
    }
    return d;
  };
}

/** The known-hosts line for a daemon and what `blit trust` prints. */
export { knownHostLine };

// --- internal ---

async function decide(address: { host: string; port: number }, s: TrustSettings, io: TrustIo): Promise<ClientTls | null> {
  if (s.noTls) return null;
  const key = hostKey(address.host, address.port);
  const probed = await io.probe(address, { ca: s.ca, identity: s.identity });
  if (probed.kind === "not-tls") {
    const fix = s.who === "client" ? "if that daemon runs with [tls] enabled = false, pass --no-tls (or BLIT_NO_TLS=1) to talk to it in plaintext" : "the destination daemon talks only to TLS daemons";
    throw new BlitError("AUTH_FAILED", `${key} does not speak TLS (${probed.why}); blit never falls back to plaintext by itself: ${fix}`, { daemon: key, trust: "not-tls" });
  }
  const { fingerprint } = probed;
  const tls = { fingerprint, identity: s.identity };
  if (s.pin === null && s.ca !== null) {
    if (probed.caError === null) return tls;
    throw new BlitError("AUTH_FAILED", `the certificate of ${key} (${fingerprint}) is not trusted by --ca ${s.ca.file}: ${probed.caError}`, { daemon: key, trust: "ca" });
  }
  const known = s.pin === null ? findKnownHost(parseKnownHosts(io.readKnownHosts(s.knownHostsFile)), address.host, address.port) : null;
  const decision = decideTrust(fingerprint, s.pin, known);
  switch (decision.kind) {
    case "trusted":
      return tls;
    case "pin-mismatch":
      throw new BlitError("AUTH_FAILED", `${key} presented certificate ${fingerprint}, not the pinned ${decision.pinned}: refusing to talk to it`, { daemon: key, trust: "pin" });
    case "changed":
      throw new BlitError("AUTH_FAILED", changedWarning(key, fingerprint, decision.known.fingerprint, s.knownHostsFile, decision.known.line, s.who), { daemon: key, trust: "changed" });
    case "unknown":
      return unknownDaemon(key, address, tls, s, io);
  }
}

async function unknownDaemon(key: string, address: { host: string; port: number }, tls: ClientTls, s: TrustSettings, io: TrustIo): Promise<ClientTls> {
  const { fingerprint } = tls;
  if (s.who === "daemon") {
    throw new BlitError(
      "AUTH_FAILED",
      `the destination daemon does not know the source daemon ${key} (certificate ${fingerprint}): add the line '${knownHostLine(address.host, address.port, fingerprint).trim()}' to its known-hosts file ${s.knownHostsFile}`,
      { daemon: key, trust: "unknown" },
    );
  }
  if (io.ask !== null) {
    io.note(`The daemon ${key} is not known yet.\nIts certificate fingerprint is ${fingerprint}\n`);
    if (await io.ask(`Trust it and record it in ${s.knownHostsFile}?`)) {
      io.appendKnownHost(s.knownHostsFile, knownHostLine(address.host, address.port, fingerprint));
      io.note(`recorded ${key} in ${s.knownHostsFile}\n`);
      return tls;
    }
    throw new BlitError("AUTH_FAILED", `${key} was not trusted (certificate ${fingerprint}); nothing was sent to it`, { daemon: key, trust: "unknown" });
  }
  throw new BlitError(
    "AUTH_FAILED",
    `the daemon ${key} is not known and there is no terminal to ask on.\nIts certificate fingerprint is ${fingerprint}\nCompare it with 'blit-daemon fingerprint' on the daemon's host, then run:\n  blit trust ${key}\n(or pass --pin ${fingerprint})`,
    { daemon: key, trust: "unknown", fingerprint },
  );
}

function changedWarning(key: string, got: string, recorded: string, file: string, line: number, who: "client" | "daemon"): string {
  const fix = who === "client" ? `If the daemon's identity really changed (a new state directory, a new [tls] cert), remove line ${line} of ${file} and run 'blit trust ${key}'.` : `If its identity really changed, replace line ${line} of ${file}.`;
  return [
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
    "@  WARNING: THE DAEMON'S CERTIFICATE HAS CHANGED!          @",
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
    `Someone could be intercepting the connection to ${key} (a man-in-the-middle attack), or its certificate was replaced.`,
    `It presented      ${got}`,
    `${file}:${line} has ${recorded}`,
    fix,
    `Refusing to talk to ${key}.`,
  ].join("\n");
}
