#!/usr/bin/env bun
import pkg from "../../../package.json" with { type: "json" };
import type { CommandTable } from "../toolkit/command.ts";

/**
 * `blit`: answers --version before loading anything, finds the verb or prints help, parses the
 * verb's flags (toolkit/flag-parser.ts) and runs it. Every error is printed and given its exit
 * code by toolkit/error-report.ts.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...given] = argv;
  let rest = given;
  if (first === "--version" || first === "-V") return print(`${pkg.version}\n`, 0);
  if (first === undefined) return help(null, "\nblit: no command given: e.g. blit copy SRC DST\n", 2);
  if (first === "--help" || first === "-h") return help(null, "", 0);
  const { COMMANDS } = await import("./commands/index.ts");
  if (first === "help") return help(rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]) ? rest[0] : null, "", 0);
  const [{ findCommand }, { parseFlags, wantsJson }] = await Promise.all([import("../toolkit/command.ts"), import("../toolkit/flag-parser.ts")]);
  try {
    if (rest.some((a) => a.startsWith("--token-file"))) rest = (await import("../toolkit/client-token.ts")).presentTokenFile(rest);
    const entry = findCommand(COMMANDS, first);
    if (entry === undefined) return await rejectUnknown(first, COMMANDS);
    if (wantsHelp(rest)) return help(first, "", 0);
    const own = await withTrust(rest);
    const [{ foreignSpellingHint }, { FLAG_EXAMPLES }] = await Promise.all([import("./foreign-spellings.ts"), import("./commands/flag-sets.ts")]);
    const args = parseFlags(own, entry.flags, { command: `blit ${first}`, hint: foreignSpellingHint, examples: FLAG_EXAMPLES });
    const run = await entry.load();
    return await flushed(await run(args));
  } catch (err) {
    const { reportError } = await import("../toolkit/error-report.ts");
    return await flushed(reportError("blit", err, wantsJson(rest)));
  }
}

// --- internal ---

/** Takes the trust flags (--pin, --ca, --no-tls, --tls-cert/--tls-key) out of `args` and sets them for the process. */
async function withTrust(args: readonly string[]): Promise<string[]> {
  const [{ takeTrustFlags }, { configureClientTrust, terminalAsk }] = await Promise.all([import("../trust/trust-flags.ts"), import("../trust/process-trust.ts")]);
  const { rest, flags } = takeTrustFlags(args, process.env);
  await configureClientTrust(flags, process.env, terminalAsk());
  return rest;
}

/** True when --help or -h appears before `--`. */
function wantsHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}

async function rejectUnknown(word: string, commands: CommandTable): Promise<never> {
  const [{ BlitError }, { visibleVerbs }] = await Promise.all([import("../../domain/errors.ts"), import("../toolkit/command.ts")]);
  const verbs = visibleVerbs(commands);
  const message = word.startsWith("-")
    ? `option '${word}' before the command: options go after it, e.g. blit copy ${word} SRC DST`
    : `unknown command '${word}': expected one of ${verbs} (see 'blit --help')`;
  throw new BlitError("USAGE", message, { input: word });
}

/** Prints the help of `verb` (null: of blit) on stdout, or on stderr with `trailer` when `code` is not 0. */
async function help(verb: string | null, trailer: string, code: number): Promise<number> {
  const { mainHelp, verbHelp } = await import("./help-text.ts");
  return print(`${verb === null ? mainHelp(pkg.version) : verbHelp(verb)}\n${trailer}`, code);
}

/** Prints `text` (stdout for `code` 0, else stderr) and gives `code` back. */
async function print(text: string, code: number): Promise<number> {
  const { printAndExit } = await import("../toolkit/output.ts");
  return printAndExit(text, code);
}

/** Waits for the output queued so far, then gives `code` back. */
async function flushed(code: number): Promise<number> {
  const { flushOutput } = await import("../toolkit/output.ts");
  await flushOutput();
  return code;
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
