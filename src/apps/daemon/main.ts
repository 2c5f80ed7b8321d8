#!/usr/bin/env bun
import pkg from "../../../package.json" with { type: "json" };
import { EXIT_CODE, EXIT_CODE_TABLE } from "../../domain/exit-codes.ts";

/**
 * `blit-daemon`: a placeholder until the daemon work lands (SPEC §5). It answers --version and
 * --help; anything else says it is not implemented yet and exits 70.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first] = argv;
  if (first === "--version" || first === "-V") return print(Bun.stdout, `${pkg.version}\n`, 0);
  if (first === "--help" || first === "-h") return print(Bun.stdout, usage(), 0);
  return print(Bun.stderr, "blit-daemon: not implemented yet (arrives with the daemon work)\n", EXIT_CODE.INTERNAL);
}

// --- internal ---

function usage(): string {
  const codes = EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`);
  return [
    `blit-daemon ${pkg.version} - serves modules to blit (not implemented yet)`,
    "",
    "Usage: blit-daemon [--help | --version]",
    "",
    "Options:",
    "  -h, --help     Show this help",
    "  -V, --version  Print the version",
    "",
    "Exit codes:",
    ...codes,
    "",
  ].join("\n");
}

/** Writes with Bun.write (process.stdout costs start-up time), then gives `code` back. */
async function print(file: Bun.BunFile, text: string, code: number): Promise<number> {
  await Bun.write(file, text).catch(() => 0);
  return code;
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
