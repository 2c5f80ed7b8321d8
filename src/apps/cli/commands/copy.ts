import type { ParsedFlags } from "../../toolkit/flag-parser.ts";

/** `blit copy SRC DST` (SPEC §3). The engine and adapters load only when it runs. */
export async function run(args: ParsedFlags): Promise<number> {
  const { runTransferCommand } = await import("../run-command.ts");
  return runTransferCommand("copy", args);
}
