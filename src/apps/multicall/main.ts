#!/usr/bin/env bun
import pkg from "../../../package.json" with { type: "json" };
import { execWithoutFtl } from "./short-run-jit.ts";

/**
 * The one compiled executable (`bun run build` → dist/blit): it is `blit`, `blit-daemon` or
 * `blit-utils` according to the name it was invoked by (argv0, so a symlink named blit-daemon
 * works; the executable's own name when argv0 is empty). `--version` (first, as all three take it)
 * is answered before any program is loaded; otherwise only the chosen program's main module is.
 * The client programs first re-execute themselves once with the top JIT tier off (short-run-jit.ts).
 */
export type ProgramName = "blit" | "blit-daemon" | "blit-utils";

/** `/usr/bin/blit-daemon` → blit-daemon; `blit-utils-0.1` → blit-utils; anything else → blit. */
export function programFor(invokedAs: string): ProgramName {
  const name = invokedAs.slice(invokedAs.lastIndexOf("/") + 1);
  if (name.startsWith("blit-daemon")) return "blit-daemon";
  if (name.startsWith("blit-utils")) return "blit-utils";
  return "blit";
}

async function mainOf(program: ProgramName): Promise<(argv: readonly string[]) => Promise<number>> {
  if (program === "blit-daemon") return (await import("../daemon/main.ts")).main;
  if (program === "blit-utils") return (await import("../utils/main.ts")).main;
  return (await import("../cli/main.ts")).main;
}

if (import.meta.main) {
  const first = process.argv[2];
  if (first === "--version" || first === "-V") {
    await Bun.write(Bun.stdout, `${pkg.version}\n`).catch(() => 0);
    process.exit(0);
  }
  const program = programFor(process.argv0 || process.execPath);
  if (program !== "blit-daemon") execWithoutFtl();
  const main = await mainOf(program);
  process.exit(await main(process.argv.slice(2)));
}
