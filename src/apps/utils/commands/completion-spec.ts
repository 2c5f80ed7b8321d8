import { HIDDEN_FLAGS } from "../../cli/commands/flag-sets.ts";
import { COMMANDS } from "../../cli/commands/index.ts";
import type { CommandTable } from "../../toolkit/command.ts";
import type { FlagDefs } from "../../toolkit/flag-parser.ts";
import { TRUST_FLAG_DEFS, VERBS_WITHOUT_TRUST } from "../../trust/trust-flags.ts";
import { UTILS_COMMANDS } from "./index.ts";

/** What a completion script offers, derived from the command definitions (never a hand list). */
export interface ProgramSpec {
  readonly name: "blit" | "blit-utils";
  readonly verbs: readonly VerbSpec[];
}

export interface VerbSpec {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly operands: OperandKind;
}

export interface FlagSpec {
  /** Without the dashes: `exclude`, `no-mdns`. */
  readonly long: string;
  readonly short?: string;
  /** What follows the flag: nothing (a switch), a local file, or some other value. */
  readonly value: "none" | "file" | "other";
  readonly description: string;
}

/** What the operands are: local or remote paths, remote paths only, local directories, fixed words, nothing. */
export type OperandKind = { readonly kind: "paths" | "remote" | "dirs" | "none" } | { readonly kind: "words"; readonly words: readonly string[] };

/** The visible verbs and flags of `blit` and `blit-utils`; hidden verbs and flags are left out. */
export function describePrograms(): ProgramSpec[] {
  return [
    { name: "blit", verbs: verbSpecs(COMMANDS, (verb) => !VERBS_WITHOUT_TRUST.has(verb)) },
    { name: "blit-utils", verbs: verbSpecs(UTILS_COMMANDS, () => true) },
  ];
}

// --- internal ---

/** The trust flags (taken before a verb's own flags are parsed, so not in its definition). */
const TRUST: readonly FlagSpec[] = TRUST_FLAG_DEFS.map((f) => ({ long: f.long, value: f.valueHint === null ? "none" : f.valueHint === "FILE" ? "file" : "other", description: f.description }));

/** Every verb of both programs takes -h/--help. */
const HELP: FlagSpec = { long: "help", short: "h", value: "none", description: "Show help" };

/** The usage line's operands decide: `SRC DST` paths, `REMOTE`, `[PATH]` a directory, `SHELL`, `perf`. */
function operandKind(operands: string): OperandKind {
  if (operands === "SRC DST") return { kind: "paths" };
  if (operands === "REMOTE") return { kind: "remote" };
  if (operands === "[PATH]") return { kind: "dirs" };
  if (operands === "SHELL") return { kind: "words", words: ["bash", "zsh", "fish"] };
  if (/^[a-z]+(\|[a-z]+)*$/.test(operands)) return { kind: "words", words: operands.split("|") };
  return { kind: "none" };
}

function verbSpecs(table: CommandTable, takesTrust: (verb: string) => boolean): VerbSpec[] {
  return Object.entries(table)
    .filter(([, c]) => c.hidden !== true)
    .map(([name, c]) => ({
      name,
      description: c.description,
      operands: operandKind(c.operands),
      flags: [...flagSpecs(c.flags), ...(takesTrust(name) ? TRUST : []), HELP],
    }));
}

function flagSpecs(flags: FlagDefs): FlagSpec[] {
  return Object.entries(flags)
    .filter(([flag]) => !HIDDEN_FLAGS.has(flag))
    .map(([flag, f]) => ({
      long: flag,
      value: f.type === "boolean" ? "none" : f.valueHint === "FILE" || f.valueHint === "DIR" ? "file" : "other",
      description: f.description,
      ...(f.short === undefined ? {} : { short: f.short }),
    }));
}
