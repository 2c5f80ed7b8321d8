import { BlitError } from "./errors.ts";

/** Options of {@link compileGlob}. */
export interface GlobOptions {
  /**
   * When true the pattern may also match any trailing portion of the subject that starts right
   * after a `/` (rsync's rule for an unanchored pattern that contains a slash).
   */
  readonly matchTail?: boolean;
}

/**
 * Compiles an rsync-style wildcard into a whole-subject matcher, built once as a RegExp.
 *
 * - `*` matches any run of characters other than `/`; `**` (two or more) matches any run, `/`
 *   included; a pattern ending in `/***` also matches the directory itself (`dir/***` ≡ `dir` and
 *   everything below it).
 * - `?` matches one character other than `/`.
 * - `[...]` matches one character of the class, `[!...]` or `[^...]` one outside it; ranges
 *   (`a-z`), POSIX classes (`[:digit:]`), a leading `]` and `\` escapes work inside. A class never
 *   matches `/` (as rsync's wildmatch).
 * - `\c` matches `c` literally.
 *
 * Characters are code points, so `?` never splits a non-BMP character and an escaped byte of a
 * non-UTF-8 name (rel-path.ts) counts as one character. Throws BlitError USAGE, naming the pattern,
 * for an unclosed `[`, a dangling `\` or an invalid range.
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): (subject: string) => boolean {
  const body = toRegExpSource(pattern);
  const source = options.matchTail === true ? `^(?:.*/)?(?:${body})$` : `^(?:${body})$`;
  let re: RegExp;
  try {
    re = new RegExp(source, "su");
  } catch (e) {
    throw usage(pattern, "it is not a valid wildcard", e);
  }
  return (subject) => re.test(subject);
}

// --- internal ---

const REGEX_SYNTAX = new Set(["\\", "^", "$", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]);
const CLASS_SYNTAX = new Set(["\\", "]", "[", "^", "-"]);

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "a-zA-Z0-9",
  alpha: "a-zA-Z",
  blank: " \\t",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: " \\t\\n\\r\\f\\v",
  upper: "A-Z",
  xdigit: "0-9a-fA-F",
};

const escapeLiteral = (ch: string): string => (REGEX_SYNTAX.has(ch) ? `\\${ch}` : ch);
const escapeInClass = (ch: string): string => (CLASS_SYNTAX.has(ch) ? `\\${ch}` : ch);

function usage(pattern: string, why: string, cause?: unknown): BlitError {
  return new BlitError(
    "USAGE",
    `invalid filter pattern '${pattern}': ${why}`,
    { pattern },
    cause === undefined ? undefined : { cause },
  );
}

function toRegExpSource(pattern: string): string {
  const chars = Array.from(pattern);
  let out = "";
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (ch === "*") {
      let n = 0;
      while (chars[i + n] === "*") n++;
      out += n === 1 ? "[^/]*" : ".*";
      i += n;
    } else if (ch === "?") {
      out += "[^/]";
      i++;
    } else if (ch === "[") {
      const cls = parseClass(chars, i + 1, pattern);
      out += cls.source;
      i = cls.next;
    } else if (ch === "\\") {
      const next = chars[i + 1];
      if (next === undefined) throw usage(pattern, "it ends with a lone '\\'");
      out += escapeLiteral(next);
      i += 2;
    } else if (ch === "/" && i + 4 === chars.length && chars[i + 1] === "*" && chars[i + 2] === "*" && chars[i + 3] === "*") {
      out += "(?:/.*)?";
      i += 4;
    } else {
      out += escapeLiteral(ch);
      i++;
    }
  }
  return out;
}

/** Parses a class whose `[` is just before `start`; returns its RegExp source and the next index. */
function parseClass(chars: readonly string[], start: number, pattern: string): { source: string; next: number } {
  let i = start;
  const negate = chars[i] === "!" || chars[i] === "^";
  if (negate) i++;
  let body = "";
  let first = true;
  for (;;) {
    const ch = chars[i];
    if (ch === undefined) throw usage(pattern, "a '[' is not closed by ']'");
    if (ch === "]" && !first) break;
    first = false;
    if (ch === "[" && chars[i + 1] === ":") {
      const close = findPosixEnd(chars, i + 2);
      const name = close < 0 ? undefined : chars.slice(i + 2, close).join("");
      const members = name === undefined ? undefined : POSIX_CLASSES[name];
      if (members !== undefined) {
        body += members;
        i = close + 2;
        continue;
      }
    }
    const lo = readClassChar(chars, i, pattern);
    i = lo.next;
    if (chars[i] === "-" && chars[i + 1] !== undefined && chars[i + 1] !== "]") {
      const hi = readClassChar(chars, i + 1, pattern);
      body += `${escapeInClass(lo.ch)}-${escapeInClass(hi.ch)}`;
      i = hi.next;
    } else {
      body += escapeInClass(lo.ch);
    }
  }
  return { source: negate ? `[^${body}/]` : `(?!/)[${body}]`, next: i + 1 };
}

function readClassChar(chars: readonly string[], i: number, pattern: string): { ch: string; next: number } {
  const ch = chars[i]!;
  if (ch !== "\\") return { ch, next: i + 1 };
  const escaped = chars[i + 1];
  if (escaped === undefined) throw usage(pattern, "a '[' is not closed by ']'");
  return { ch: escaped, next: i + 2 };
}

/** Index of the `:` of a closing `:]`, or -1. */
function findPosixEnd(chars: readonly string[], from: number): number {
  for (let k = from; k + 1 < chars.length; k++) {
    if (chars[k] === ":" && chars[k + 1] === "]") return k;
    if (!/[a-z]/.test(chars[k]!)) return -1;
  }
  return -1;
}
