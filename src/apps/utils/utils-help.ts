import { exitCodeHelp } from "../../domain/exit-codes.ts";
import { UTILS_COMMANDS } from "./commands/index.ts";
import { TRUST_HELP_ROWS } from "../trust/trust-flags.ts";

const TRUST_LINES = ["Trust (every command; TLS 1.3 unless --no-tls; as blit: --pin, --ca, then known_hosts):", ...TRUST_HELP_ROWS.map(([l, r]) => `  ${l.padEnd(18)}  ${r}`)];

/** `blit-utils --help`: verbs, REMOTE forms and the exit-code table. */
export function usage(version: string): string {
  const verbs = Object.entries(UTILS_COMMANDS).filter(([, c]) => c.hidden !== true);
  const width = Math.max(...verbs.map(([n, c]) => `${n} ${c.operands}`.length));
  return [
    `blit-utils ${version} - admin commands for blit daemons`,
    "",
    "Usage: blit-utils <command> [OPTIONS] OPERAND",
    "       blit-utils <command> --help",
    "",
    "Commands:",
    ...verbs.map(([n, c]) => `  ${`${n} ${c.operands}`.padEnd(width)}  ${c.description}`),
    "",
    "REMOTE is host:/module/path or host://path (the default export); host:port:/... for another port.",
    "Every command takes --json and then prints one JSON document on stdout.",
    "",
    ...TRUST_LINES,
    "",
    exitCodeHelp(),
    "",
  ].join("\n");
}

/** `blit-utils <verb> --help`. */
export function verbUsage(verb: string): string {
  const c = UTILS_COMMANDS[verb];
  if (c === undefined) return usage("");
  const rows = Object.entries(c.flags).map(([name, f]) => {
    const left = `${f.short === undefined ? "    " : `-${f.short}, `}--${name}${f.type === "string" ? ` ${f.valueHint ?? "VALUE"}` : ""}`;
    return [left, f.description] as const;
  });
  const width = Math.max(10, ...rows.map(([l]) => l.length));
  return [
    `Usage: blit-utils ${verb} [OPTIONS] ${c.operands}`,
    "",
    c.description,
    "",
    "Options:",
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
    `  ${"-h, --help".padEnd(width)}  Show this help`,
    "",
    ...TRUST_LINES,
    "",
    exitCodeHelp(),
    "",
  ].join("\n");
}
