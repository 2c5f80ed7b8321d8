import { parseArgs } from "node:util";
import { BlitError } from "../../domain/errors.ts";

/**
 * The one argument parser of blit, blit-utils and blit-daemon: node:util's parseArgs splits the
 * words (`--name`, `--name=value`, `--name value`, `-x`, groups of one-letter switches `-nv`, a
 * lone `-`, `--` ending the flags), and this wrapper is strict about what it gets back, with
 * blit's messages: an unknown flag, a flag without its value and a value given to a switch are
 * BlitError USAGE naming the flag and pointing to the help that lists the right ones.
 * parseArgs runs non-strict so that a value may start with a dash (`--exclude -rf`, `--max-delete
 * -1` reaching its own check), as the transfer verbs always allowed; a separate value that is
 * `--` or one of the command's own long flags is taken as the value missing (`--log-file --json`).
 */

/** One flag: a switch or a flag taking a value, and what help and completion show for it. */
export interface FlagDef {
  readonly type: "boolean" | "string";
  /** Its one-letter spelling, without the dash. */
  readonly short?: string;
  /** What help shows after the flag, e.g. `N`, `FILE` (a FILE completes to local files). */
  readonly valueHint?: string;
  readonly description: string;
}

/** A command's flags by long name (without the dashes). */
export type FlagDefs = Readonly<Record<string, FlagDef>>;

/** A parsed command line. */
export interface ParsedFlags {
  /** The switches given, by long name. */
  readonly switches: ReadonlySet<string>;
  /** The values of the flags taking one, by long name, in command-line order. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Every value flag given, in command-line order (rules whose order matters: --include/--exclude). */
  readonly sequence: readonly { readonly name: string; readonly value: string }[];
  readonly positionals: readonly string[];
}

/** Where an error points, and the advice for flags other tools spell differently. */
export interface ParseContext {
  /** The command whose `--help` lists the flags, e.g. `blit copy`. */
  readonly command: string;
  /** A hint for an unknown option (an rsync or rclone spelling), or null. */
  readonly hint?: (option: string) => string | null;
  /** An example value per flag for the "needs a value" message. */
  readonly examples?: Readonly<Record<string, string>>;
}

/** Parses `argv` against `defs`; USAGE (exit 2) for anything the definitions do not allow. */
export function parseFlags(argv: readonly string[], defs: FlagDefs, context: ParseContext): ParsedFlags {
  const options = Object.fromEntries(Object.entries(defs).map(([name, d]) => [name, d.short === undefined ? { type: d.type } : { type: d.type, short: d.short }]));
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const switches = new Set<string>();
  const values = new Map<string, string[]>();
  const sequence: { name: string; value: string }[] = [];
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const def = known(defs, token.name, token.rawName);
    const word = argv[token.index] ?? token.rawName;
    if (def === undefined) throw unknownOption(token.rawName, word !== token.rawName && !word.startsWith("--") ? ` in '${word}'` : "", context);
    if (def.type === "boolean") {
      if (token.value !== undefined) throw usage(`${token.rawName} takes no value (got '${token.value}'): write ${token.rawName}`, context);
      switches.add(token.name);
      continue;
    }
    if (token.value === undefined || (token.inlineValue === false && looksLikeFlag(token.value, defs))) {
      const shown = `${token.rawName} ${context.examples?.[token.name] ?? def.valueHint ?? "VALUE"}`;
      throw usage(`${token.rawName} needs a value, e.g. ${shown}${token.value === undefined ? "" : ` (got the flag '${token.value}'; a value starting with '--' is written ${token.rawName}=VALUE)`}`, context);
    }
    values.set(token.name, [...(values.get(token.name) ?? []), token.value]);
    sequence.push({ name: token.name, value: token.value });
  }
  return { switches, values, sequence, positionals };
}

/** The last value of `flag`, or undefined when it was not given. */
export const lastValue = (parsed: ParsedFlags, flag: string): string | undefined => parsed.values.get(flag)?.at(-1);

/** A USAGE error for `command`, pointing to its help. */
export const usage = (message: string, context: Pick<ParseContext, "command">): BlitError =>
  new BlitError("USAGE", `${message} (see '${context.command} --help')`, { command: context.command });

/** A whole-number flag value 0 or more (`fallback` when not given), or USAGE naming the flag. */
export function wholeNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (/^[0-9]{1,15}$/.test(text)) return Number(text);
  throw new BlitError("USAGE", `invalid ${flag} '${text}': expected a whole number, e.g. ${flag} 3`, { flag, value: text });
}

/**
 * True when `--json` comes before `--`: a command line that fails to parse still answers with its
 * one JSON object (error-report.ts).
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

// --- internal ---

/** The definition of a token; a one-letter spelling must be a defined `short` (non-strict parseArgs names unknown ones by the letter). */
function known(defs: FlagDefs, name: string, rawName: string): FlagDef | undefined {
  const def = Object.hasOwn(defs, name) ? defs[name] : undefined;
  if (def === undefined || rawName.startsWith("--")) return def;
  return def.short === rawName.slice(1) ? def : undefined;
}

/** `--`, or `--name`/`--name=…` naming one of `defs`. */
function looksLikeFlag(value: string, defs: FlagDefs): boolean {
  if (value === "--") return true;
  if (!value.startsWith("--")) return false;
  const name = value.slice(2).split("=")[0] ?? "";
  return Object.hasOwn(defs, name);
}

function unknownOption(option: string, where: string, context: ParseContext): BlitError {
  const hint = context.hint?.(option) ?? null;
  return usage(`unknown option '${option}'${where}${hint === null ? "" : `: ${hint}`}`, context);
}

