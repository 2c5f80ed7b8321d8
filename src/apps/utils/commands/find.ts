import { BlitError } from "../../../domain/errors.ts";
import { displayName } from "../../../domain/rel-path.ts";
import type { FindKind } from "../../../ports/control.ts";
import { parseRemote, withDaemon } from "../../admin/daemon-client.ts";
import { out, printJson } from "../../toolkit/output.ts";
import { metaJson } from "../../admin/entry-format.ts";
import { lastValue, wholeNumber, type ParsedFlags } from "../../toolkit/flag-parser.ts";

/** `blit-utils find REMOTE [--pattern GLOB] [--files|--dirs] [--limit N]`: matches as they stream in. */
export async function run(args: ParsedFlags): Promise<number> {
  const { endpoint, target } = parseRemote("find", args.positionals[0]);
  if (args.switches.has("files") && args.switches.has("dirs")) {
    throw new BlitError("USAGE", "find takes --files or --dirs, not both", { flag: "--files" });
  }
  const kind: FindKind = args.switches.has("files") ? "files" : args.switches.has("dirs") ? "dirs" : "any";
  const pattern = lastValue(args, "pattern") ?? "";
  const limit = wholeNumber("--limit", lastValue(args, "limit"), 0);
  const json = args.switches.has("json");
  const found: Record<string, unknown>[] = [];
  await withDaemon(endpoint.host, endpoint.port, async (daemon) => {
    for await (const entry of daemon.find({ target, pattern, kind, limit })) {
      if (json) found.push({ path: entry.path, ...metaJson(entry.meta) });
      else out(`${displayName(entry.path)}${entry.meta.kind === "dir" ? "/" : ""}\n`);
    }
  });
  if (json) printJson({ path: endpoint.raw, pattern, kind, entries: found });
  return 0;
}
