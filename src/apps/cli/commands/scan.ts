import { defineCommand } from "citty";
import { scanArgs } from "./_shared-args.ts";

/** `blit scan [--wait SECS] [--peers HOST[:PORT],…] [--no-mdns] [--json]`: blit daemons on mDNS or named (instance, host, port, modules). */
export default defineCommand({
  meta: { name: "scan" },
  args: scanArgs,
  async run({ args }): Promise<number> {
    const run = await import("../run-command.ts");
    return run.runVerb(async () => {
      const { scanText } = await import("../../utils/commands/scan.ts");
      const options = { peers: typeof args.peers === "string" ? args.peers : undefined, mdns: args.mdns !== false };
      run.out(await scanText(typeof args.wait === "string" ? args.wait : undefined, args.json === true, options));
      return 0;
    });
  },
});
