import { defineCommand } from "citty";
import { scanArgs } from "./_shared-args.ts";

/** `blit scan [--wait SECS] [--json]`: blit daemons answering on mDNS (instance, host, port, modules). */
export default defineCommand({
  meta: { name: "scan" },
  args: scanArgs,
  async run({ args }): Promise<number> {
    const run = await import("../run-command.ts");
    return run.runVerb(async () => {
      const { scanText } = await import("../../utils/commands/scan.ts");
      run.out(await scanText(typeof args.wait === "string" ? args.wait : undefined, args.json === true));
      return 0;
    });
  },
});
