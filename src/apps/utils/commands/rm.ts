import { formatEndpoint } from "../../../domain/endpoint.ts";
import { BlitError } from "../../../domain/errors.ts";
import { createConfirm } from "../../toolkit/confirm-prompt.ts";
import { parseRemote, withDaemon } from "../../admin/daemon-client.ts";
import { err, out, printJson } from "../../toolkit/output.ts";
import type { ParsedFlags } from "../../toolkit/flag-parser.ts";

/**
 * `blit-utils rm REMOTE [--yes]`: removes a remote file or directory. A module root is refused
 * (exit 4), as is a read-only module (exit 4); without --yes it asks on a terminal, and refuses
 * without one (exit 11). The daemon checks everything again.
 */
export async function run(args: ParsedFlags): Promise<number> {
  const { endpoint, target } = parseRemote("rm", args.positionals[0]);
  const shown = formatEndpoint(endpoint);
  if (target.path === "") {
    throw new BlitError("PERMISSION_DENIED", `refusing to remove a module root (${shown}): name a path inside it`, { path: shown });
  }
  return withDaemon(endpoint.host, endpoint.port, async (daemon) => {
    const listing = await daemon.list(target);
    const modules = await daemon.listModules();
    const readOnly = target.module === null ? modules.defaultExport?.readOnly : modules.modules.find((m) => m.name === target.module)?.readOnly;
    if (readOnly === true) throw new BlitError("READ_ONLY", `${shown} is on a read-only module: it refuses every change`, { path: shown });
    const what = listing.isDir ? `directory ${shown} and everything in it` : shown;
    if (!args.switches.has("yes")) {
      const controller = new AbortController();
      const interactive = () => process.stdin.isTTY === true && process.stderr.isTTY === true;
      if (!interactive()) throw new BlitError("NOT_CONFIRMED", `not removing ${what}: no terminal to ask on; pass --yes to remove it`, { path: shown });
      const confirm = createConfirm({ yes: false, dryRun: false }, { interactive, input: () => process.stdin, err, signal: controller.signal });
      if (confirm !== null && !(await confirm(`Remove ${what}?`))) throw new BlitError("NOT_CONFIRMED", `not removing ${what}: not confirmed`, { path: shown });
    }
    const result = await daemon.purge(target);
    if (args.switches.has("json")) printJson({ path: shown, entries_removed: result.entriesRemoved, bytes_removed: result.bytesRemoved });
    else out(`removed ${shown} (${result.entriesRemoved} entries, ${result.bytesRemoved} bytes)\n`);
    return 0;
  });
}
