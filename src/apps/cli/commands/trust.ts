import { defineCommand } from "citty";
import { trustArgs } from "./_shared-args.ts";

/** `blit trust HOST[:PORT] [--yes] [--pin sha256:…]`: record a daemon's certificate in known_hosts. */
export default defineCommand({
  meta: { name: "trust" },
  args: trustArgs,
  async run({ args }): Promise<number> {
    const run = await import("../run-command.ts");
    return run.runVerb(async () => {
      const address = typeof args.daemon === "string" ? args.daemon : undefined;
      if (address === undefined) return run.failWith("USAGE", "trust needs HOST[:PORT], e.g. blit trust backup:9031");
      const { trustDaemon } = await import("../../trust/trust-command.ts");
      return trustDaemon(address, args.yes === true, run.out);
    });
  },
});
