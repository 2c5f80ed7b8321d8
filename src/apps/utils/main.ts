#!/usr/bin/env bun
import pkg from "../../../package.json" with { type: "json" };

/**
 * `blit-utils` (SPEC §7): admin verbs against a daemon. Answers --version before loading anything,
 * parses the verb's flags strictly, runs it and maps any error to its exit code (one table for all
 * programs). Every verb takes --json and then prints one JSON document on stdout.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...given] = argv;
  let rest = given;
  if (first === "--version" || first === "-V") return print(Bun.stdout, `${pkg.version}\n`, 0);
  const { usage, verbUsage } = await import("./utils-help.ts");
  if (first === undefined) return print(Bun.stderr, `${usage(pkg.version)}\nblit-utils: no command given: e.g. blit-utils ls host:/module/\n`, 2);
  if (first === "--help" || first === "-h" || first === "help") return print(Bun.stdout, usage(pkg.version), 0);
  const io = await import("./admin-io.ts");
  try {
    const { UTILS_COMMANDS } = await import("./commands/index.ts");
    const command = Object.hasOwn(UTILS_COMMANDS, first) ? UTILS_COMMANDS[first] : undefined;
    if (command === undefined) {
      const { BlitError } = await import("../../domain/errors.ts");
      const verbs = Object.entries(UTILS_COMMANDS).filter(([, c]) => c.hidden !== true).map(([n]) => n).join(", ");
      throw new BlitError("USAGE", `unknown command '${first}': expected one of ${verbs} (see blit-utils --help)`, { input: first });
    }
    if (rest.includes("--help") || rest.includes("-h")) return print(Bun.stdout, verbUsage(first), 0);
    if (rest.some((a) => a.startsWith("--token-file"))) rest = (await import("../cli/client-token.ts")).presentTokenFile(rest);
    const [{ takeTrustFlags }, { configureClientTrust, terminalAsk }] = await Promise.all([import("../trust/trust-flags.ts"), import("../trust/process-trust.ts")]);
    const trust = takeTrustFlags(rest, process.env);
    await configureClientTrust(trust.flags, process.env, terminalAsk());
    const args = await parseVerbArgs(first, command.flags, trust.rest);
    const run = await command.load();
    const code = await run(args);
    await io.flushOutput();
    return code;
  } catch (e) {
    const code = io.reportError("blit-utils", e);
    await io.flushOutput();
    return code;
  }
}

// --- internal ---

async function parseVerbArgs(verb: string, flags: Readonly<Record<string, { type: "string" | "boolean"; short?: string }>>, rest: readonly string[]) {
  const { parseArgs } = await import("node:util");
  try {
    const { values, positionals } = parseArgs({ args: [...rest], options: flags, strict: true, allowPositionals: true });
    if (positionals.length > 1) throw new Error(`too many operands: ${positionals.slice(1).join(" ")}`);
    return { values, positionals };
  } catch (e) {
    const { BlitError } = await import("../../domain/errors.ts");
    const text = e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e);
    throw new BlitError("USAGE", `${verb}: ${text} (see blit-utils ${verb} --help)`, { verb });
  }
}

/** Writes with Bun.write (process.stdout costs start-up time), then gives `code` back. */
async function print(file: Bun.BunFile, text: string, code: number): Promise<number> {
  await Bun.write(file, text).catch(() => 0);
  return code;
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
