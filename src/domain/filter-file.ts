import type { FilterRule } from "./filter.ts";

/** One --include-from/--exclude-from FILE as given, in its place among the --include/--exclude rules. */
export interface RuleFileRef {
  readonly type: FilterRule["type"];
  readonly file: string;
}

/** A rule typed on the command line, or a file of them. */
export type RuleSource = FilterRule | RuleFileRef;

/**
 * Expands the rules in command-line order, each file's lines at its place (rsync's format for
 * --exclude-from/--include-from): one pattern a line; blank lines and lines starting with `;` or
 * `#` are skipped; a line `+ PATTERN` or `- PATTERN` is an include or an exclude whatever the
 * flag; any other line is a rule of the flag's type; a line `!` clears the rules gathered so far.
 * A trailing carriage return is dropped (a file saved with CRLF line ends). `read(file)` gives a
 * file's text.
 */
export function expandRuleFiles(sources: readonly RuleSource[], read: (file: string) => string): FilterRule[] {
  let rules: FilterRule[] = [];
  for (const source of sources) {
    if (!("file" in source)) {
      rules.push(source);
      continue;
    }
    for (const raw of read(source.file).split("\n")) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
      if (line === "!") rules = [];
      else if (line.startsWith("+ ")) rules.push({ type: "include", pattern: line.slice(2) });
      else if (line.startsWith("- ")) rules.push({ type: "exclude", pattern: line.slice(2) });
      else rules.push({ type: source.type, pattern: line });
    }
  }
  return rules;
}
