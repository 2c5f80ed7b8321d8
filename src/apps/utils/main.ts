#!/usr/bin/env bun
import pkg from "../../../package.json" with { type: "json" };

/**
 * `blit-utils` (SPEC §7): admin verbs against a daemon. Answers --version before loading anything,
 * parses the verb's flags strictly, runs it and maps any error to its exit code (one table for all
 * programs, toolkit/error-report.ts). Every verb takes --json and then prints one JSON document on
 * stdout, a failure included.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...given] = argv;
  let rest = given;
  const { printAndExit, flushOutput } = await import("../toolkit/output.ts");
  if (first === "--version" || first === "-V") return printAndExit(`${pkg.version}\n`, 0);
  const { usage, verbUsage } = await import("./utils-help.ts");
  if (first === undefined) return printAndExit(`${usage(pkg.version)}\nblit-utils: no command given: e.g. blit-utils ls host:/module/\n`, 2);
  if (first === "--help" || first === "-h" || first === "help") return printAndExit(usage(pkg.version), 0);
  const [{ findCommand, visibleVerbs }, { parseFlags, usage: usageError, wantsJson }] = await Promise.all([import("../toolkit/command.ts"), import("../toolkit/flag-parser.ts")]);
  try {
    const { UTILS_COMMANDS } = await import("./commands/index.ts");
    const command = findCommand(UTILS_COMMANDS, first);
    if (command === undefined) {
      const { BlitError } = await import("../../domain/errors.ts");
      throw new BlitError("USAGE", `unknown command '${first}': expected one of ${visibleVerbs(UTILS_COMMANDS)} (see 'blit-utils --help')`, { input: first });
    }
    if (rest.includes("--help") || rest.includes("-h")) return printAndExit(verbUsage(first), 0);
    if (rest.some((a) => a.startsWith("--token-file"))) rest = (await import("../toolkit/client-token.ts")).presentTokenFile(rest);
    const [{ takeTrustFlags }, { configureClientTrust, terminalAsk }] = await Promise.all([import("../trust/trust-flags.ts"), import("../trust/process-trust.ts")]);
    const trust = takeTrustFlags(rest, process.env);
    await configureClientTrust(trust.flags, process.env, terminalAsk());
    const context = { command: `blit-utils ${first}` };
    const args = parseFlags(trust.rest, command.flags, context);
    if (args.positionals.length > 1) throw usageError(`too many operands: ${args.positionals.slice(1).join(" ")}`, context);
    const run = await command.load();
    const code = await run(args);
    await flushOutput();
    return code;
  } catch (e) {
    const { reportError } = await import("../toolkit/error-report.ts");
    const code = reportError("blit-utils", e, wantsJson(rest));
    await flushOutput();
    return code;
  }
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
