import { scanText } from "../../admin/daemon-scan.ts";
import { lastValue, type ParsedFlags } from "../../toolkit/flag-parser.ts";
import { out } from "../../toolkit/output.ts";

/** `blit-utils scan [--wait SECS] [--peers HOST[:PORT],…] [--no-mdns] [--json]`: daemons answering on mDNS or named. */
export async function run(args: ParsedFlags): Promise<number> {
  out(await scanText(lastValue(args, "wait"), args.switches.has("json"), { peers: lastValue(args, "peers"), mdns: !args.switches.has("no-mdns") }));
  return 0;
}
