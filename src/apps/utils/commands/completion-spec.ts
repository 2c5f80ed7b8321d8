import { HIDDEN_FLAGS } from "../../cli/commands/_shared-args.ts";
import { COMMANDS } from "../../cli/commands/index.ts";
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
  const blit: VerbSpec[] = Object.entries(COMMANDS)
    .filter(([, entry]) => entry.hidden !== true)
    .map(([name, entry]) => ({
      name,
      description: entry.description,
      operands: operandKind(entry.operands),
      flags: [...Object.entries(entry.args).flatMap(([flag, a]): FlagSpec[] => {
        if (a.type === "positional" || HIDDEN_FLAGS.has(flag)) return [];
        // A switch that is on by default is typed in its negated form (citty reads --no-x).
        const negated = a.type === "boolean" && a.default === true;
        const long = negated ? `no-${flag}` : flag;
        const description = (negated ? a.negativeDescription : undefined) ?? a.description ?? "";
        const short = "alias" in a && typeof a.alias === "string" ? a.alias : undefined;
        const value = a.type !== "string" ? "none" : "valueHint" in a && a.valueHint === "FILE" ? "file" : "other";
        return [{ long, value, description, ...(short === undefined ? {} : { short }) }];
      }), ...(VERBS_WITHOUT_TRUST.has(name) ? [] : TRUST), HELP],
    }));
  const utils: VerbSpec[] = Object.entries(UTILS_COMMANDS)
    .filter(([, c]) => c.hidden !== true)
    .map(([name, c]) => ({
      name,
      description: c.description,
      operands: operandKind(c.operands),
      flags: [
        ...Object.entries(c.flags).map(([flag, f]): FlagSpec => ({
          long: flag,
          value: f.type === "boolean" ? "none" : f.valueHint === "FILE" ? "file" : "other",
          description: f.description,
          ...(f.short === undefined ? {} : { short: f.short }),
        })),
        ...TRUST,
        HELP,
      ],
    }));
  return [
    { name: "blit", verbs: blit },
    { name: "blit-utils", verbs: utils },
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
