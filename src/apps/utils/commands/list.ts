import { BlitError } from "../../../domain/errors.ts";
import { listModulesText } from "../../admin/module-list.ts";
import type { ParsedFlags } from "../../toolkit/flag-parser.ts";
import { out } from "../../toolkit/output.ts";

/** `blit-utils list HOST[:PORT]`: modules with read-only flag and comment, and the motd. */
export async function run(args: ParsedFlags): Promise<number> {
  const [address] = args.positionals;
  if (address === undefined) throw new BlitError("USAGE", "list needs HOST[:PORT], e.g. blit-utils list backup:9031", {});
  out(await listModulesText(address, args.switches.has("json")));
  return 0;
}
