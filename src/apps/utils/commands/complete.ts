import { parseDaemonAddress } from "../../../domain/endpoint.ts";
import type { CompletionQuery } from "../../../ports/control.ts";
import { withDaemon } from "../../admin/daemon-client.ts";
import { out } from "../../toolkit/output.ts";
import type { ParsedFlags } from "../../toolkit/flag-parser.ts";

/**
 * `blit-utils __complete WORD`: completion candidates for a remote word, one per line, each a
 * whole word (`host:9031:/mod/dir/`). `host:/mo` completes module names, `host:/mod/pa` and
 * `host://pa` names in the directory typed so far. Anything that is not a remote word, or a daemon
 * that does not answer, gives no candidates and exit 0: completion never prints errors.
 */
export async function run(args: ParsedFlags): Promise<number> {
  const word = args.positionals[0] ?? "";
  try {
    const candidates = await candidatesFor(word);
    out(candidates.map((c) => `${c}\n`).join(""));
  } catch {
    // No candidates.
  }
  return 0;
}

// --- internal ---

async function candidatesFor(word: string): Promise<string[]> {
  const split = word.indexOf(":/");
  if (split < 0) return [];
  const address = word.slice(0, split);
  const rest = word.slice(split + 1);
  const daemon = parseDaemonAddress(address);
  let query: CompletionQuery;
  let head: string;
  if (rest.startsWith("//")) {
    query = { module: null, completeModules: false, prefix: rest.slice(2), dirsOnly: false, limit: 0 };
    head = `${address}://`;
  } else {
    const slash = rest.indexOf("/", 1);
    const module = slash < 0 ? rest.slice(1) : rest.slice(1, slash);
    query = slash < 0 ? { module, completeModules: true, prefix: "", dirsOnly: false, limit: 0 } : { module, completeModules: false, prefix: rest.slice(slash + 1), dirsOnly: false, limit: 0 };
    head = slash < 0 ? `${address}:/` : `${address}:/${module}/`;
  }
  const found = await withDaemon(daemon.host, daemon.port, (d) => d.completePath(query));
  return found.map((c) => head + c);
}
