#!/usr/bin/env bun
import pkg from "../../../package.json" with { type: "json" };
import type { CommandEntry } from "./commands/index.ts";

/**
 * `blit`: answers --version before loading anything, finds the verb or prints help, then runs
 * the verb's command through citty's `runCommand`. Every exit code comes from run-command.ts.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...given] = argv;
  let rest = given;
  if (first === "--version" || first === "-V") return print(Bun.stdout, `${pkg.version}\n`, 0);
  if (first === undefined) return help(null, "\nblit: no command given: e.g. blit copy SRC DST\n", 2);
  if (first === "--help" || first === "-h") return help(null, "", 0);
  const { COMMANDS } = await import("./commands/index.ts");
  if (first === "help") return help(rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]) ? rest[0] : null, "", 0);
  try {
    if (rest.some((a) => a.startsWith("--token-file"))) rest = (await import("./client-token.ts")).presentTokenFile(rest);
    const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (entry === undefined) return await rejectUnknown(first, COMMANDS);
    if (wantsHelp(rest)) return help(first, "", 0);
    const own = await withTrust(rest);
    const [command, { runCommand }] = await Promise.all([entry.load(), import("citty")]);
    const { result } = await runCommand(command, { rawArgs: own });
    return await flushed(typeof result === "number" ? result : 0);
  } catch (err) {
    const { reportError } = await import("./run-command.ts");
    return await flushed(reportError(err));
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

async function rejectUnknown(word: string, commands: Readonly<Record<string, CommandEntry>>): Promise<never> {
  const { BlitError } = await import("../../domain/errors.ts");
  const verbs = Object.entries(commands)
    .filter(([, e]) => e.hidden !== true)
    .map(([name]) => name)
    .join(", ");
  const message = word.startsWith("-")
    ? `option '${word}' before the command: options go after it, e.g. blit copy ${word} SRC DST`
    : `unknown command '${word}': expected one of ${verbs} (see 'blit --help')`;
  throw new BlitError("USAGE", message, { input: word });
}

/** Prints the help of `verb` (null: of blit) on stdout, or on stderr with `trailer` when `code` is not 0. */
async function help(verb: string | null, trailer: string, code: number): Promise<number> {
  const { mainHelp, verbHelp } = await import("./help-text.ts");
  const text = `${verb === null ? mainHelp(pkg.version) : verbHelp(verb)}\n${trailer}`;
  return print(code === 0 ? Bun.stdout : Bun.stderr, text, code);
}

/** Writes with Bun.write: process.stdout costs ~20 ms of start-up in Bun. */
async function print(file: Bun.BunFile, text: string, code: number): Promise<number> {
  await Bun.write(file, text).catch(() => 0);
  return code;
}

/** Waits for the output run-command.ts queued, then gives `code` back. */
async function flushed(code: number): Promise<number> {
  const { flushOutput } = await import("./run-command.ts");
  await flushOutput();
  return code;
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
