import { defineCommand } from "citty";
import { transferArgs } from "./_shared-args.ts";

/** `blit copy SRC DST` (SPEC §3). The engine and adapters load only when it runs. */
export default defineCommand({
  meta: { name: "copy" },
  args: transferArgs,
  async run({ rawArgs }): Promise<number> {
    const { runTransferCommand } = await import("../run-command.ts");
    return runTransferCommand("copy", rawArgs);
  },
});
