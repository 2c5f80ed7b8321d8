import { BlitError } from "../../../domain/errors.ts";
import { displayName } from "../../../domain/rel-path.ts";
import type { FindKind } from "../../../ports/control.ts";
import { out, parseRemote, printJson, wholeNumber, withDaemon } from "../admin-io.ts";
import { metaJson } from "../entry-format.ts";
import type { VerbArgs } from "./index.ts";

/** `blit-utils find REMOTE [--pattern GLOB] [--files|--dirs] [--limit N]`: matches as they stream in. */
export async function run(args: VerbArgs): Promise<number> {
  const { endpoint, target } = parseRemote("find", args.positionals[0]);
  if (args.values.files === true && args.values.dirs === true) {
    throw new BlitError("USAGE", "find takes --files or --dirs, not both", { flag: "--files" });
  }
  const kind: FindKind = args.values.files === true ? "files" : args.values.dirs === true ? "dirs" : "any";
  const pattern = typeof args.values.pattern === "string" ? args.values.pattern : "";
  const limit = wholeNumber("--limit", args.values.limit as string | undefined, 0);
  const json = args.values.json === true;
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
