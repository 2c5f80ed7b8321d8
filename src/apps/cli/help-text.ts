import { EXIT_CODE_TABLE } from "../../domain/exit-codes.ts";
import type { FlagDefs } from "../toolkit/flag-parser.ts";
import { ADVANCED_FLAGS, HIDDEN_FLAGS } from "./commands/flag-sets.ts";
import { COMMANDS } from "./commands/index.ts";
import { TRUST_HELP_ROWS, VERBS_WITHOUT_TRUST } from "../trust/trust-flags.ts";

/** `blit --help`: verbs, the flags of the transfer verbs, endpoints and the exit-code table. */
export function mainHelp(version: string): string {
  const verbs = Object.entries(COMMANDS)
    .filter(([, entry]) => entry.hidden !== true)
    .map(([name, entry]): [string, string] => [name, entry.description]);
  const transfer = COMMANDS.copy?.flags ?? {};
  return [
    `blit ${version} - fast, safe file transfers`,
    "",
    "Usage: blit <command> [OPTIONS] SRC DST",
    "       blit <command> --help",
    "",
    "Commands:",
    columns(verbs),
    "",
    "Options (copy, mirror, move):",
    columns([...flagRows(transfer, false), HELP_ROW, ["    --version", "Print the version"]]),
    "",
    "Advanced:",
    columns(flagRows(transfer, true)),
    "",
    TRUST,
    "",
    ENDPOINTS,
    "",
    exitCodes(),
  ].join("\n");
}

/** `blit <verb> --help`: the verb's usage line, its flags and the exit-code table. */
export function verbHelp(verb: string): string {
  const entry = COMMANDS[verb];
  if (entry === undefined) return "";
  const options = [...flagRows(entry.flags, false), HELP_ROW];
  const advanced = flagRows(entry.flags, true);
  const lines = [`Usage: blit ${verb} [OPTIONS] ${entry.operands}`.trimEnd(), "", entry.description, ""];
  lines.push("Options:", columns(options), "");
  if (advanced.length > 0) lines.push("Advanced:", columns(advanced), "");
  if (!VERBS_WITHOUT_TRUST.has(verb)) lines.push(TRUST, "");
  if (entry.operands === "SRC DST") lines.push(ENDPOINTS, "");
  lines.push(exitCodes());
  return lines.join("\n");
}

// --- internal ---

const HELP_ROW: [string, string] = ["-h, --help", "Show help (blit <command> --help for one command)"];

const TRUST = [
  "Trust (every command that reaches a daemon; TLS 1.3 is always on unless --no-tls):",
  columns(TRUST_HELP_ROWS),
  "  First match wins: --pin, --ca, then ~/.config/blit/known_hosts ($XDG_CONFIG_HOME). An unknown",
  "  daemon is asked about on a terminal, refused without one (exit 4): run blit trust HOST[:PORT].",
].join("\n");

const ENDPOINTS = [
  "Endpoints:",
  "  /abs/path, ./rel, ~/dir, rel/path   local paths (src/ = the contents of src)",
  "  host:/module/path, host://path      a path on a blit daemon (port 9031; host:port:/m/ for another)",
].join("\n");

function flagRows(defs: FlagDefs, advanced: boolean): [string, string][] {
  return Object.entries(defs)
    .filter(([name]) => !HIDDEN_FLAGS.has(name) && ADVANCED_FLAGS.has(name) === advanced)
    .map(([name, flag]) => [`${flag.short === undefined ? "    " : `-${flag.short}, `}--${name}${flag.type === "string" ? ` ${flag.valueHint ?? "VALUE"}` : ""}`, flag.description]);
}

function columns(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join("\n");
}

function exitCodes(): string {
  return ["Exit codes:", ...EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`)].join("\n");
}
