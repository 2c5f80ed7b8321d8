import type { ParsedFlags } from "../../toolkit/flag-parser.ts";
import { out } from "../../toolkit/output.ts";

/** `blit trust HOST[:PORT] [--yes] [--pin sha256:…]`: record a daemon's certificate in known_hosts. */
export async function run(args: ParsedFlags): Promise<number> {
  const run = await import("../run-command.ts");
  return run.runVerb(async () => {
    const [address] = args.positionals;
    if (address === undefined) return run.failWith("USAGE", "trust needs HOST[:PORT], e.g. blit trust backup:9031");
    const { trustDaemon } = await import("../../trust/trust-command.ts");
    return trustDaemon(address, args.switches.has("yes"), out);
  });
}
