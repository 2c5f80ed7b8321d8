import { isIP } from "node:net";
import type { Credential } from "../../domain/credentials.ts";
import type { DaemonConfig, ModuleConfig, TlsConfig } from "../../domain/daemon-config.ts";
import { BlitError } from "../../domain/errors.ts";
import { DEFAULT_PORT } from "../../domain/endpoint.ts";
import type { HostRules } from "../../domain/host-rules.ts";
import type { DaemonFlags } from "./daemon-flags.ts";

/** The data plane's port unless configured; a daemon on a free control port (0) takes a free one too. */
export const DEFAULT_DATA_PORT = 9032;

/** The default export (`host://`). */
export interface DefaultExport {
  readonly path: string;
  readonly readOnly: boolean;
  /** True when nothing was configured and the working directory is served. */
  readonly implicit: boolean;
}

/** What the daemon runs with, after flag → config file → default. */
export interface DaemonSettings {
  readonly bind: string;
  readonly port: number;
  /** The data plane's port; 0 = any free port. */
  readonly dataPort: number;
  readonly hosts: HostRules;
  /** Open client connections at most (control port), or undefined for the built-in limit. */
  readonly maxConnections?: number;
  readonly credentials: readonly Credential[];
  readonly motd: string;
  readonly noMdns: boolean;
  readonly mdnsName: string;
  /** Empty: every interface that is up and multicast-capable. */
  readonly mdnsInterfaces: readonly string[];
  readonly forceGrpcData: boolean;
  readonly modules: readonly ModuleConfig[];
  readonly defaultExport: DefaultExport | null;
  readonly delegation: DaemonConfig["delegation"];
  /** Absolute; the self-signed identity and the delegation known_hosts default live there. */
  readonly stateDir: string;
  readonly tls: TlsConfig;
}

/** Facts of the machine the defaults depend on. */
export interface SettingsEnv {
  readonly cwd: string;
  readonly hostname: string;
  /** Absolute form of a path given on the command line. */
  readonly absolute: (path: string) => string;
  /** The effective user id (0: root) and the environment, for the default state directory. */
  readonly uid: number;
  readonly home: string;
  readonly xdgStateHome: string | undefined;
}

/** SPEC §9: /var/lib/blit as root, else $XDG_STATE_HOME/blit (default ~/.local/state/blit). */
export function defaultStateDir(env: Pick<SettingsEnv, "uid" | "home" | "xdgStateHome">): string {
  if (env.uid === 0) return "/var/lib/blit";
  const base = env.xdgStateHome !== undefined && env.xdgStateHome.startsWith("/") ? env.xdgStateHome : `${env.home}/.local/state`;
  return `${base}/blit`;
}

/**
 * Applies the precedence flag → config file → default. The default export is `--root`, else the
 * file's `root`, else — only when no module is configured — the working directory.
 */
export function resolveSettings(flags: DaemonFlags, config: DaemonConfig, env: SettingsEnv): DaemonSettings {
  const root = flags.root !== undefined ? env.absolute(flags.root) : config.root;
  const defaultExport: DefaultExport | null =
    root !== undefined
      ? { path: root, readOnly: config.rootReadOnly, implicit: false }
      : config.modules.length === 0
        ? { path: env.cwd, readOnly: config.rootReadOnly, implicit: true }
        : null;
  const port = flags.port ?? config.port ?? DEFAULT_PORT;
  return {
    bind: bindAddress(flags, config),
    port,
    dataPort: flags.dataPort ?? config.dataPort ?? (port === 0 ? 0 : DEFAULT_DATA_PORT),
    hosts: config.hosts,
    ...(config.maxConnections !== undefined && { maxConnections: config.maxConnections }),
    credentials: config.credentials,
    motd: config.motd,
    noMdns: flags.noMdns ?? config.noMdns ?? false,
    mdnsName: flags.mdnsName ?? config.mdnsName ?? `blit@${env.hostname}`,
    mdnsInterfaces: config.mdnsInterfaces ?? [],
    forceGrpcData: flags.forceGrpcData,
    modules: config.modules,
    defaultExport,
    delegation: config.delegation,
    stateDir: flags.stateDir !== undefined ? env.absolute(flags.stateDir) : (config.stateDir ?? defaultStateDir(env)),
    tls: config.tls,
  };
}

// --- internal ---

/** The address to listen on; USAGE naming the flag or the config key when it is not an IP address. */
function bindAddress(flags: DaemonFlags, config: DaemonConfig): string {
  const bind = flags.bind ?? config.bind ?? "0.0.0.0";
  if (isIP(bind) !== 0) return bind;
  const where = flags.bind !== undefined ? `--bind ${JSON.stringify(bind)}` : `bind = ${JSON.stringify(bind)} in ${config.file}`;
  throw new BlitError("USAGE", `${where} is not an IP address: give one of this machine's addresses, e.g. 127.0.0.1, or 0.0.0.0 (every IPv4 address) or :: (every address)`, {
    bind,
  });
}
