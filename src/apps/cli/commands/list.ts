import type { ParsedFlags } from "../../toolkit/flag-parser.ts";
import { out } from "../../toolkit/output.ts";

/** `blit list HOST[:PORT]`: the modules a daemon exports (read-only flag, comment) and its motd. */
export async function run(args: ParsedFlags): Promise<number> {
  const run = await import("../run-command.ts");
  const json = args.switches.has("json");
  return run.runVerb(async () => {
    const [address] = args.positionals;
    if (address === undefined) return run.failWith("USAGE", "list needs HOST[:PORT], e.g. blit list backup:9031", json);
    const { listModulesText } = await import("../../admin/module-list.ts");
    out(await listModulesText(address, json));
    return 0;
  }, { json });
}
