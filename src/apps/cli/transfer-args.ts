import { parseTransferEnd, type ParseEndpointOptions } from "../../domain/endpoint.ts";
import { BlitError } from "../../domain/errors.ts";
import type { FilterOptions, FilterRule } from "../../domain/filter.ts";
import type { RuleSource } from "../../domain/filter-file.ts";
import type { CompareMode } from "../../domain/plan.ts";
import { parseSize } from "../../domain/size.ts";
import type { TransferRequest, Verb } from "../engine/transfer-request.ts";
import { lastValue, usage as usageOf, type ParsedFlags } from "../toolkit/flag-parser.ts";
import { FLAG_EXAMPLES } from "./commands/flag-sets.ts";

/** How the run talks to people; `progress` null means "on when stderr is a terminal". */
export interface OutputOptions {
  readonly verbose: boolean;
  readonly json: boolean;
  readonly progress: boolean | null;
  /** -q: no summary line (warnings and errors still; --json still prints its object). */
  readonly quiet: boolean;
  /** -i: the item lines are rsync's change strings (`>f.st...... path`) instead of the -v lines. */
  readonly itemize: boolean;
  /** The destination is remote: a transferred file's change string starts `<` (rsync's sender). */
  readonly sends: boolean;
}

/** Everything `copy`, `mirror` and `move` take from the command line. */
export interface TransferCli {
  /**
   * `filter.filesFrom` is null here; the app reads `filesFromPath` and fills it in. With rule
   * files (`rulesFrom` not null) `filter.rules` holds only the typed rules; the app expands
   * `rulesFrom` into it.
   */
  readonly request: TransferRequest;
  readonly filesFromPath: string | null;
  readonly rulesFrom: readonly RuleSource[] | null;
  readonly output: OutputOptions;
  readonly yes: boolean;
  readonly retry: number;
  readonly waitSec: number;
  /** --log-file: where to append the run's log; null when not given. */
  readonly logFile: string | null;
  readonly forceGrpcData: boolean;
  /** One-line notes for stderr (deprecated flags). */
  readonly notes: readonly string[];
}

/** Everything `check` takes from the command line. */
export interface CheckCli {
  readonly source: string;
  readonly destination: string;
  readonly compare: CompareMode;
  readonly filter: FilterOptions;
  readonly filesFromPath: string | null;
  readonly rulesFrom: readonly RuleSource[] | null;
  readonly output: OutputOptions;
  readonly maxThreads: number | null;
  readonly notes: readonly string[];
}

/** What parsing needs from the process: endpoint options and the environment. */
export interface CliEnv extends ParseEndpointOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Turns the parsed flags of `copy`/`mirror`/`move` into a TransferRequest and output options. */
export function toTransferCli(verb: Verb, args: ParsedFlags, env: CliEnv): TransferCli {
  const [source, destination] = endpoints(verb, args, env);
  const { filter, filesFromPath, rulesFrom } = filterOptions(args);
  const dryRun = args.switches.has("dry-run");
  const request: TransferRequest = {
    verb,
    source,
    destination,
    compare: compareMode(args),
    ignoreExisting: args.switches.has("ignore-existing"),
    filter,
    dryRun,
    maxDelete: optional(args, "max-delete", nonNegativeInt),
    ...(deleteExcluded(verb, args) && { deleteExcluded: true }),
    ...(args.values.has("timeout") && { timeoutSec: timeoutSec(args) }),
    ...bwlimit(args),
    ...snapshotDirs(args),
    resume: args.switches.has("resume"),
    maxThreads: optional(args, "max-threads", positiveInt),
    forceGrpcData: args.switches.has("force-grpc-data") || env.env.BLIT_FORCE_GRPC_DATA === "1",
  };
  return {
    request,
    filesFromPath,
    rulesFrom,
    output: { ...outputOptions(args), sends: parseTransferEnd(destination, env).kind === "remote" },
    yes: args.switches.has("yes"),
    retry: optional(args, "retry", nonNegativeInt) ?? 0,
    waitSec: optional(args, "wait", nonNegativeNumber) ?? 1,
    logFile: logFile(args),
    forceGrpcData: args.switches.has("force-grpc-data") || env.env.BLIT_FORCE_GRPC_DATA === "1",
    notes: notes(args),
  };
}

/** Turns the parsed flags of `check` into the check request and output options. */
export function toCheckCli(args: ParsedFlags, env: CliEnv): CheckCli {
  const [source, destination] = endpoints("check", args, env);
  const { filter, filesFromPath, rulesFrom } = filterOptions(args);
  return {
    source,
    destination,
    compare: compareMode(args),
    filter,
    filesFromPath,
    rulesFrom,
    output: outputOptions(args),
    maxThreads: optional(args, "max-threads", positiveInt),
    notes: notes(args),
  };
}

// --- internal ---

function endpoints(verb: string, args: ParsedFlags, env: CliEnv): [string, string] {
  const [source, destination, extra] = args.positionals;
  if (source === undefined) throw usage(`${verb} needs SRC and DST: both are missing`, verb);
  if (destination === undefined) throw usage(`${verb} needs SRC and DST: DST is missing`, verb);
  if (extra !== undefined) throw usage(`${verb} takes exactly SRC and DST: unexpected '${extra}'`, verb);
  for (const input of [source, destination]) parseTransferEnd(input, env);
  return [source, destination];
}

const COMPARE_FLAGS: readonly (readonly [string, CompareMode])[] = [
  ["checksum", "checksum"],
  ["size-only", "size-only"],
  ["ignore-times", "ignore-times"],
];

function compareMode(args: ParsedFlags): CompareMode {
  const given = COMPARE_FLAGS.filter(([flag]) => args.switches.has(flag));
  const [first, second] = given;
  if (first !== undefined && second !== undefined) {
    throw new BlitError("USAGE", `--${first[0]} and --${second[0]} cannot be used together: pick one way to compare files`, {
      flag: `--${first[0]}`,
      other: `--${second[0]}`,
    });
  }
  return first?.[1] ?? "quick";
}

function filterOptions(args: ParsedFlags): { filter: FilterOptions; filesFromPath: string | null; rulesFrom: readonly RuleSource[] | null } {
  const minSize = optional(args, "min-size", parseSize);
  const maxSize = optional(args, "max-size", parseSize);
  if (minSize !== null && maxSize !== null && minSize > maxSize) {
    throw new BlitError("USAGE", `--min-size ${last(args, "min-size")} is above --max-size ${last(args, "max-size")}: no file would be selected`);
  }
  const filesFromPath = last(args, "files-from") ?? null;
  if (filesFromPath === "") throw new BlitError("USAGE", "--files-from needs a file name, e.g. --files-from list.txt (- = stdin)");
  const rules = rulesOf(args);
  const typed = rules.filter((r): r is FilterRule => !("file" in r));
  const files = rules.filter((r) => "file" in r).map((r) => ("file" in r ? r.file : ""));
  if (files.includes("")) throw new BlitError("USAGE", "--exclude-from and --include-from need a file name, e.g. --exclude-from rules.txt (- = stdin)");
  if ([...files, filesFromPath].filter((f) => f === "-").length > 1) throw new BlitError("USAGE", "only one of --files-from, --exclude-from and --include-from can read stdin (-)");
  return { filter: { rules: typed, filesFrom: null, minSize, maxSize }, filesFromPath, rulesFrom: files.length > 0 ? rules : null };
}

/** A dry run lists what it would change, as -v does, unless -q. -q with -v or -p is a contradiction. */
function outputOptions(args: ParsedFlags): OutputOptions {
  const quiet = args.switches.has("quiet");
  const loud = ["verbose", "itemize-changes", "progress"].find((flag) => args.switches.has(flag));
  if (quiet && loud !== undefined) throw new BlitError("USAGE", `--quiet and --${loud} cannot be used together: -q prints nothing but warnings and errors`, { flag: "--quiet", other: `--${loud}` });
  return {
    verbose: !quiet && (args.switches.has("verbose") || args.switches.has("dry-run")),
    json: args.switches.has("json"),
    progress: quiet ? false : args.switches.has("progress") ? true : null,
    quiet,
    itemize: !quiet && args.switches.has("itemize-changes"),
    sends: false,
  };
}

/** --timeout SECS: at most a day (the wire carries milliseconds in 32 bits). */
function timeoutSec(args: ParsedFlags): number {
  const sec = optional(args, "timeout", nonNegativeNumber) ?? 0;
  if (sec > MAX_TIMEOUT_SEC) throw new BlitError("USAGE", `--timeout ${last(args, "timeout")} is above ${MAX_TIMEOUT_SEC} s (a day); 0 waits for ever`, { flag: "--timeout" });
  return sec;
}

const MAX_TIMEOUT_SEC = 86_400;

/** --link-dest DIR (repeatable) and --backup-dir DIR; an empty DIR is a usage error. */
function snapshotDirs(args: ParsedFlags): { linkDest?: readonly string[]; backupDir?: string } {
  const links = args.values.get("link-dest") ?? [];
  const backup = last(args, "backup-dir");
  for (const [flag, v] of [...links.map((l) => ["--link-dest", l] as const), ...(backup === undefined ? [] : [["--backup-dir", backup] as const])]) {
    if (v.trim() === "") throw new BlitError("USAGE", `${flag} needs a directory, e.g. ${flag} ${flag === "--link-dest" ? "../yesterday" : "../backup"} (relative to the destination)`, { flag });
  }
  return { ...(links.length > 0 && { linkDest: links }), ...(backup !== undefined && { backupDir: backup }) };
}

/**
 * --bwlimit RATE as rsync reads it: a size (--max-size units, fractions allowed), a bare number
 * meaning KiB, rounded to whole KiB; 0 = no limit (nothing in the request).
 */
function bwlimit(args: ParsedFlags): { bwlimit?: number } {
  const text = last(args, "bwlimit");
  if (text === undefined) return {};
  const bytes = parseSize(/^\s*[\d.]+\s*$/.test(text) ? `${text}K` : text, "--bwlimit");
  const rate = Math.round(bytes / 1024) * 1024;
  if (rate === 0 && bytes > 0) throw new BlitError("USAGE", `--bwlimit ${text} is too small: at least 512 bytes per second (rounded to 1K), or 0 for no limit`, { flag: "--bwlimit", value: text });
  return rate === 0 ? {} : { bwlimit: rate };
}

function logFile(args: ParsedFlags): string | null {
  const path = last(args, "log-file");
  if (path === "") throw new BlitError("USAGE", "--log-file needs a file name, e.g. --log-file /var/log/blit.log", { flag: "--log-file" });
  return path ?? null;
}

/** --delete-excluded: only a mirror deletes. */
function deleteExcluded(verb: Verb, args: ParsedFlags): boolean {
  if (!args.switches.has("delete-excluded")) return false;
  if (verb !== "mirror") throw new BlitError("USAGE", `--delete-excluded goes with blit mirror (blit ${verb} deletes nothing)`, { flag: "--delete-excluded", verb });
  return true;
}

function notes(args: ParsedFlags): string[] {
  return args.switches.has("ludicrous-speed") ? ["--ludicrous-speed is deprecated and does nothing; blit picks its speed itself"] : [];
}

const last = lastValue;

/** --include/--exclude rules and --include-from/--exclude-from files, in the order typed. */
function rulesOf(args: ParsedFlags): RuleSource[] {
  return args.sequence.flatMap(({ name, value }): RuleSource[] => {
    if (name === "include" || name === "exclude") return [{ type: name, pattern: value }];
    if (name === "include-from" || name === "exclude-from") return [{ type: name === "include-from" ? "include" : "exclude", file: value }];
    return [];
  });
}

function optional<T>(args: ParsedFlags, flag: string, parse: (text: string, flag: string) => T): T | null {
  const text = last(args, flag);
  return text === undefined ? null : parse(text, `--${flag}`);
}

/** A parser for numbers matching `pattern` and at least `min`; `expected` names them in the error. */
const numberParser = (pattern: RegExp, min: number, expected: string) => (text: string, flag: string): number => {
  const n = pattern.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(Math.floor(n)) && n >= min) return n;
  throw new BlitError("USAGE", `invalid value '${text}' for ${flag}: expected ${expected}, e.g. ${flag} ${example(flag.slice(2))}`, { flag, value: text });
};

const WHOLE = /^[0-9]+$/;
const nonNegativeInt = numberParser(WHOLE, 0, "a whole number 0 or more");
const positiveInt = numberParser(WHOLE, 1, "a whole number 1 or more");
const nonNegativeNumber = numberParser(/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/, 0, "a number of seconds 0 or more");

const example = (name: string): string => FLAG_EXAMPLES[name] ?? "VALUE";

const usage = (message: string, verb: string): BlitError => usageOf(message, { command: `blit ${verb}` });
