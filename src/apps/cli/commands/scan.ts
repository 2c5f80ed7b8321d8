import { lastValue, type ParsedFlags } from "../../toolkit/flag-parser.ts";
import { out } from "../../toolkit/output.ts";

/** `blit scan [--wait SECS] [--peers HOST[:PORT],…] [--no-mdns] [--json]`: blit daemons on mDNS or named (instance, host, port, modules). */
export async function run(args: ParsedFlags): Promise<number> {
  const run = await import("../run-command.ts");
  const json = args.switches.has("json");
  return run.runVerb(async () => {
    const { scanText } = await import("../../admin/daemon-scan.ts");
    out(await scanText(lastValue(args, "wait"), json, { peers: lastValue(args, "peers"), mdns: !args.switches.has("no-mdns") }));
    return 0;
  }, { json });
}
