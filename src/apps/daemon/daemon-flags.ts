import { BlitError } from "../../domain/errors.ts";
import { exitCodeHelp } from "../../domain/exit-codes.ts";
import { lastValue, parseFlags, usage, type FlagDefs } from "../toolkit/flag-parser.ts";

/** Where the daemon looks for its config when --config is not given. */
export const DEFAULT_CONFIG_PATH = "/etc/blit/config.toml";

/** consola's levels by name, as --log-level takes them. */
export const LOG_LEVELS = { silent: -999, error: 0, warn: 1, info: 3, debug: 4, trace: 5 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

/** The command line of blit-daemon; unset flags are undefined (the config file or a default decides). */
export interface DaemonFlags {
  readonly help: boolean;
  /** `blit-daemon fingerprint`: print the TLS fingerprint and exit. */
  readonly fingerprint: boolean;
  readonly stateDir?: string;
  readonly version: boolean;
  readonly config?: string;
  readonly bind?: string;
  readonly port?: number;
  readonly dataPort?: number;
  readonly root?: string;
  readonly noMdns?: boolean;
  readonly mdnsName?: string;
  readonly forceGrpcData: boolean;
  readonly logLevel: LogLevelName;
  readonly jsonLogs: boolean;
}

/** Parses argv strictly: an unknown flag, a missing value or a bad port is USAGE naming it. */
export function parseDaemonFlags(argv: readonly string[]): DaemonFlags {
  const parsed = parseFlags(argv, DAEMON_FLAGS, CONTEXT);
  const { positionals, switches } = parsed;
  const value = (flag: string): string | undefined => lastValue(parsed, flag);
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== "fingerprint")) {
    throw usage(`unknown command '${positionals.join(" ")}': blit-daemon takes flags, or 'fingerprint'`, CONTEXT);
  }
  const level = value("log-level") ?? "info";
  if (!Object.hasOwn(LOG_LEVELS, level)) {
    throw new BlitError("USAGE", `invalid --log-level '${level}': use one of ${Object.keys(LOG_LEVELS).join(", ")}`, { flag: "--log-level" });
  }
  const [stateDir, config, bind, port, dataPort, root, mdnsName] = ["state-dir", "config", "bind", "port", "data-port", "root", "mdns-name"].map(value);
  return {
    help: switches.has("help"),
    fingerprint: positionals[0] === "fingerprint",
    ...(stateDir !== undefined && { stateDir }),
    version: switches.has("version"),
    ...(config !== undefined && { config }),
    ...(bind !== undefined && { bind }),
    ...(port !== undefined && { port: toPort(port, "--port") }),
    ...(dataPort !== undefined && { dataPort: toPort(dataPort, "--data-port") }),
    ...(root !== undefined && { root }),
    ...(switches.has("no-mdns") && { noMdns: true }),
    ...(mdnsName !== undefined && { mdnsName }),
    forceGrpcData: switches.has("force-grpc-data"),
    logLevel: level as LogLevelName,
    jsonLogs: switches.has("json-logs"),
  };
}

/** `blit-daemon --help`. */
export function daemonHelp(version: string): string {
  return [
    `blit-daemon ${version} - serves modules to blit clients`,
    "",
    "Usage: blit-daemon [OPTIONS]",
    "       blit-daemon fingerprint [--config PATH] [--state-dir DIR]   print the TLS fingerprint",
    "       blit-daemon token new NAME --module MODULE:ro|rw [--module ...]   (a new [[token]])",
    "",
    "Options (a flag beats the config file, which beats the default):",
    `  --config PATH       Config file (default ${DEFAULT_CONFIG_PATH}; a missing default file is fine)`,
    "  --bind ADDR         Address to listen on (default 0.0.0.0)",
    "  --port N            Control port (default 9031; 0 picks a free port)",
    "  --data-port N       Data-plane port (default 9032; 0 = any free port, the default with --port 0);",
    "                      the ready line says which",
    "  --root PATH         Export PATH as the default export host:// (default: the working",
    "                      directory when no module is configured)",
    "  --state-dir DIR     Where the self-signed TLS identity is kept (default /var/lib/blit",
    "                      as root, else $XDG_STATE_HOME/blit, ~/.local/state/blit)",
    "  --no-mdns           Do not advertise on the local network",
    "  --mdns-name NAME    Instance name to advertise (default blit@<hostname>)",
    "  --log-level LEVEL   silent, error, warn, info (default), debug or trace",
    "  --json-logs         Log one JSON object per line on stderr",
    "  -h, --help          Show this help",
    "  -V, --version       Print the version",
    "",
    "Advanced:",
    "  --force-grpc-data   Carry file data inside the gRPC control stream",
    "",
    'When ready it prints one JSON line on stdout: {"event":"ready","control":"HOST:PORT","tls":true,"fingerprint":"sha256:...",...}.',
    "Both planes speak TLS 1.3 unless [tls] enabled = false (see docs/daemon.md).",
    "Logs go to stderr. SIGTERM or SIGINT stops it gracefully (exit 0).",
    "",
    exitCodeHelp(),
    "",
  ].join("\n");
}

// --- internal ---

const CONTEXT = { command: "blit-daemon" } as const;

/** The flags of blit-daemon (the help text above lists them for people). */
const DAEMON_FLAGS = {
  config: { type: "string", valueHint: "PATH", description: "Config file" },
  bind: { type: "string", valueHint: "ADDR", description: "Address to listen on" },
  port: { type: "string", valueHint: "N", description: "Control port" },
  "data-port": { type: "string", valueHint: "N", description: "Data-plane port" },
  root: { type: "string", valueHint: "PATH", description: "Default export" },
  "state-dir": { type: "string", valueHint: "DIR", description: "Where the TLS identity is kept" },
  "no-mdns": { type: "boolean", description: "Do not advertise" },
  "mdns-name": { type: "string", valueHint: "NAME", description: "Instance name to advertise" },
  "force-grpc-data": { type: "boolean", description: "File data inside the gRPC control stream" },
  "log-level": { type: "string", valueHint: "LEVEL", description: "Log level" },
  "json-logs": { type: "boolean", description: "JSON logs" },
  help: { type: "boolean", short: "h", description: "Show this help" },
  version: { type: "boolean", short: "V", description: "Print the version" },
} as const satisfies FlagDefs;

function toPort(text: string, flag: "--port" | "--data-port"): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : -1;
  if (port >= 0 && port <= 65535) return port;
  const example = flag === "--port" ? "9031" : "9032";
  throw new BlitError("USAGE", `invalid ${flag} '${text}': a port is a number from 0 to 65535 (0 picks a free port), e.g. ${flag} ${example}`, {
    flag,
    value: text,
  });
}
