import type { FlagDefs, ParsedFlags } from "./flag-parser.ts";

/**
 * One verb of `blit` or `blit-utils`: what help and completion show, its flags, and its module,
 * loaded only when it runs (start-up stays small). The program's main parses the verb's flags
 * with parseFlags and hands the result to the loaded function, which returns the exit code.
 */
export interface Command {
  readonly description: string;
  /** What follows `<program> <verb> [OPTIONS]` in the usage line: `SRC DST`, `REMOTE`, `[PATH]`, … */
  readonly operands: string;
  readonly flags: FlagDefs;
  readonly hidden?: boolean;
  load(): Promise<CommandRun>;
}

/** A verb's body: the parsed command line in, the exit code out. */
export type CommandRun = (args: ParsedFlags) => Promise<number>;

/** A program's verbs by name. */
export type CommandTable = Readonly<Record<string, Command>>;

/** The verb named `name`, or undefined (never an inherited property). */
export const findCommand = (table: CommandTable, name: string): Command | undefined => (Object.hasOwn(table, name) ? table[name] : undefined);

/** The visible verbs, joined for an "expected one of" message. */
export const visibleVerbs = (table: CommandTable): string =>
  Object.entries(table)
    .filter(([, c]) => c.hidden !== true)
    .map(([name]) => name)
    .join(", ");
