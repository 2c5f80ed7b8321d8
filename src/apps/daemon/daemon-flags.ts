import { parseArgs } from "node:util";
import { BlitError } from "../../domain/errors.ts";
import { exitCodeHelp } from "../../domain/exit-codes.ts";

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
  let values: ReturnType<typeof parse>["values"];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (e) {
    const text = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new BlitError("USAGE", `${text} (see blit-daemon --help)`, { input: argv.join(" ") });
  }
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== "fingerprint")) {
    throw new BlitError("USAGE", `unknown command '${positionals.join(" ")}': blit-daemon takes flags, or 'fingerprint' (see blit-daemon --help)`, { input: argv.join(" ") });
  }
  const level = values["log-level"] ?? "info";
  if (!Object.hasOwn(LOG_LEVELS, level)) {
    throw new BlitError("USAGE", `invalid --log-level '${level}': use one of ${Object.keys(LOG_LEVELS).join(", ")}`, { flag: "--log-level" });
  }
  return {
    help: values.help === true,
    fingerprint: positionals[0] === "fingerprint",
    ...(values["state-dir"] !== undefined && { stateDir: values["state-dir"] }),
    version: values.version === true,
    ...(values.config !== undefined && { config: values.config }),
    ...(values.bind !== undefined && { bind: values.bind }),
    ...(values.port !== undefined && { port: toPort(values.port, "--port") }),
    ...(values["data-port"] !== undefined && { dataPort: toPort(values["data-port"], "--data-port") }),
    ...(values.root !== undefined && { root: values.root }),
    ...(values["no-mdns"] === true && { noMdns: true }),
    ...(values["mdns-name"] !== undefined && { mdnsName: values["mdns-name"] }),
    forceGrpcData: values["force-grpc-data"] === true,
    logLevel: level as LogLevelName,
    jsonLogs: values["json-logs"] === true,
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

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      bind: { type: "string" },
      port: { type: "string" },
      "data-port": { type: "string" },
      root: { type: "string" },
      "state-dir": { type: "string" },
      "no-mdns": { type: "boolean" },
      "mdns-name": { type: "string" },
      "force-grpc-data": { type: "boolean" },
      "log-level": { type: "string" },
      "json-logs": { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "V" },
    },
  });
}

function toPort(text: string, flag: "--port" | "--data-port"): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : -1;
  if (port >= 0 && port <= 65535) return port;
  const example = flag === "--port" ? "9031" : "9032";
  throw new BlitError("USAGE", `invalid ${flag} '${text}': a port is a number from 0 to 65535 (0 picks a free port), e.g. ${flag} ${example}`, {
    flag,
    value: text,
  });
}
