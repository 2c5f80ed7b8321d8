import { defineCommand } from "citty";
import { listArgs } from "./_shared-args.ts";

/** `blit list HOST[:PORT]`: the modules a daemon exports (read-only flag, comment) and its motd. */
export default defineCommand({
  meta: { name: "list" },
  args: listArgs,
  async run({ args }): Promise<number> {
    const run = await import("../run-command.ts");
    return run.runVerb(async () => {
      const address = typeof args.daemon === "string" ? args.daemon : undefined;
      if (address === undefined) return run.failWith("USAGE", "list needs HOST[:PORT], e.g. blit list backup:9031");
      const { listModulesText } = await import("../../utils/commands/list.ts");
      run.out(await listModulesText(address, args.json === true));
      return 0;
    });
  },
});
