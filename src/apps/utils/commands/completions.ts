import { BlitError } from "../../../domain/errors.ts";
import { out } from "../../toolkit/output.ts";
import { bashScript } from "./completion-bash.ts";
import { fishScript } from "./completion-fish.ts";
import { describePrograms } from "./completion-spec.ts";
import { zshScript } from "./completion-zsh.ts";
import type { ParsedFlags } from "../../toolkit/flag-parser.ts";

/**
 * `blit-utils completions bash|zsh|fish`: a static script completing the verbs and flags of
 * `blit` and `blit-utils` (taken from their definitions: hidden flags are never offered), local
 * names (escaped, `/` after directories) and remote paths through `blit-utils __complete`
 * (CompletePath on the daemon).
 */
export async function run(args: ParsedFlags): Promise<number> {
  const shell = args.positionals[0];
  const programs = describePrograms();
  if (shell === "bash") out(bashScript(programs));
  else if (shell === "zsh") out(zshScript(programs));
  else if (shell === "fish") out(fishScript(programs));
  else throw new BlitError("USAGE", `completions takes bash, zsh or fish, e.g. blit-utils completions bash`, { input: shell ?? "" });
  return 0;
}
