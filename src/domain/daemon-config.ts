/**
 * The daemon's configuration file as validated data (SPEC §5). Keys the file leaves out are
 * undefined where a flag or a default may supply them (precedence: flag → file → default).
 */
import type { Credential } from "./credentials.ts";
import { parseDaemonAddress } from "./endpoint.ts";
import { OPEN_HOST_RULES, type HostRules } from "./host-rules.ts";

/** One `[[module]]`: a named directory the daemon exports. */
export interface ModuleConfig {
  /** Unique, `[A-Za-z0-9._-]+`. */
  readonly name: string;
  /** Absolute path of an existing directory (a relative path in the file is resolved against the file's folder). */
  readonly path: string;
  readonly comment: string;
  readonly readOnly: boolean;
  /** No operation follows a symlink out of the module (default true). */
  readonly useChroot: boolean;
  /**
   * A daemon running as root applies the owner, group and set-id bits clients send (a backup box
   * restoring whole systems; default false: entries belong to the module root's owner and lose
   * set-id bits).
   */
  readonly keepOwners: boolean;
}

/** `[delegation]`: whether this daemon pulls from other daemons on a client's behalf. */
export interface DelegationConfig {
  readonly allow: boolean;
  /** Daemon addresses (`host` or `host:port`) it may pull from. */
  readonly allowedSources: readonly string[];
  /** Absolute path of the file holding the token this daemon presents to source daemons. */
  readonly tokenFile?: string;
  /** The known-hosts file the source daemons are verified from (default: `known_hosts` in the state directory). */
  readonly knownHosts?: string;
}

/** `[tls]` (SPEC §9). Paths are absolute. */
export interface TlsConfig {
  /** false: plaintext on both planes. */
  readonly enabled: boolean;
  /** Both or neither; neither = a self-signed identity kept in the state directory. */
  readonly cert?: string;
  readonly key?: string;
  /** Clients must present a certificate chaining to this CA (mTLS). */
  readonly clientCa?: string;
}

/** The whole file. */
export interface DaemonConfig {
  /** Where it was read from, for messages ("" when there was no file). */
  readonly file: string;
  readonly bind?: string;
  readonly port?: number;
  /** The data plane's port (0 = any free port). */
  readonly dataPort?: number;
  /** Open client connections at most, over all clients. */
  readonly maxConnections?: number;
  /** `hosts_allow` / `hosts_deny`. */
  readonly hosts: HostRules;
  /** `[[token]]` and `[[identity]]` entries, checked against the modules. */
  readonly credentials: readonly Credential[];
  readonly motd: string;
  readonly noMdns?: boolean;
  readonly mdnsName?: string;
  /** Interfaces to advertise on (default: every interface that is up and multicast-capable). */
  readonly mdnsInterfaces?: readonly string[];
  /** The default export (`host://`), absolute. */
  readonly root?: string;
  readonly rootReadOnly: boolean;
  readonly modules: readonly ModuleConfig[];
  readonly delegation: DelegationConfig;
  /** `[daemon] state_dir`, absolute. */
  readonly stateDir?: string;
  readonly tls: TlsConfig;
}

/** The configuration of a daemon started without a file. */
export const EMPTY_DAEMON_CONFIG: DaemonConfig = {
  file: "",
  hosts: OPEN_HOST_RULES,
  credentials: [],
  motd: "",
  rootReadOnly: false,
  modules: [],
  delegation: { allow: false, allowedSources: [] },
  tls: { enabled: true },
};

/** One `allowed_sources` entry: a host (any port) or a host and port. */
export interface AllowedSource {
  /** Lower case; an IPv6 literal without brackets. */
  readonly host: string;
  /** null: any port of that host. */
  readonly port: number | null;
}

/** The entry for `text`, or null when it is not `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function toAllowedSource(text: string): AllowedSource | null {
  let address: { host: string; port: number };
  try {
    address = parseDaemonAddress(text);
  } catch {
    return null;
  }
  const explicitPort = /^\[[^\]]*\]:\d+$/.test(text) || /^[^:[\]]+:\d+$/.test(text);
  return { host: address.host.toLowerCase(), port: explicitPort ? address.port : null };
}

/**
 * True when the source daemon `host:port` is listed. Hosts are compared as written (case aside),
 * without name resolution: list every form clients name the source by.
 */
export function isAllowedSource(allowed: readonly AllowedSource[], host: string, port: number): boolean {
  const h = host.toLowerCase();
  return allowed.some((a) => a.host === h && (a.port === null || a.port === port));
}
