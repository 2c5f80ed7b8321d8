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
 * Compiles an rsync-style wildcard into a whole-subject matcher.
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
 * Matching runs the pattern as a set of states over the subject (a Thompson simulation): time is
 * linear in the subject times the pattern length, whatever the pattern, and nothing backtracks.
 * Characters are code points, so `?` never splits a non-BMP character and an escaped byte of a
 * non-UTF-8 name (rel-path.ts) counts as one character. Throws BlitError USAGE, naming the pattern,
 * for an unclosed `[`, a dangling `\` or an invalid range.
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): (subject: string) => boolean {
  const tokens = parse(pattern);
  const matchTail = options.matchTail === true;
  const n = tokens.length;
  let cur = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  return (subject) => {
    cur.fill(0);
    cur[0] = 1;
    closure(tokens, cur);
    for (const ch of subject) {
      const c = ch.codePointAt(0)!;
      next.fill(0);
      let live = false;
      for (let i = 0; i < n; i++) {
        if (cur[i] === 0) continue;
        const to = step(tokens[i]!, c, i);
        if (to >= 0) {
          next[to] = 1;
          live = true;
        }
      }
      if (matchTail && c === SLASH) {
        next[0] = 1;
        live = true;
      }
      if (!live && !matchTail) return false;
      closure(tokens, next);
      [cur, next] = [next, cur];
    }
    return cur[n] === 1;
  };
}

// --- internal ---

const SLASH = 0x2f;

/**
 * One piece of a pattern. `star` is `*`, `any` is `**`; `tail` is the `/` of a final `/***`,
 * followed by an `any`, and may also be skipped to the end.
 */
type Token =
  | { readonly kind: "char"; readonly c: number }
  | { readonly kind: "one" }
  | { readonly kind: "class"; readonly ranges: readonly number[]; readonly negate: boolean }
  | { readonly kind: "star" }
  | { readonly kind: "any" }
  | { readonly kind: "tail" };

/** The state reached from state `i` (before `t`) on code point `c`, or -1. */
function step(t: Token, c: number, i: number): number {
  switch (t.kind) {
    case "char":
      return c === t.c ? i + 1 : -1;
    case "one":
      return c === SLASH ? -1 : i + 1;
    case "class":
      return c !== SLASH && inRanges(t.ranges, c) !== t.negate ? i + 1 : -1;
    case "star":
      return c === SLASH ? -1 : i;
    case "any":
      return i;
    case "tail":
      return c === SLASH ? i + 1 : -1;
  }
}

/** Adds to `set` every state reachable without consuming a character (edges only go forward). */
function closure(tokens: readonly Token[], set: Uint8Array): void {
  for (let i = 0; i < tokens.length; i++) {
    if (set[i] === 0) continue;
    const kind = tokens[i]!.kind;
    if (kind === "star" || kind === "any") set[i + 1] = 1;
    else if (kind === "tail") set[i + 2] = 1;
  }
}

function inRanges(ranges: readonly number[], c: number): boolean {
  for (let k = 0; k < ranges.length; k += 2) if (c >= ranges[k]! && c <= ranges[k + 1]!) return true;
  return false;
}

const cp = (s: string): number => s.codePointAt(0)!;
const span = (lo: string, hi: string): number[] => [cp(lo), cp(hi)];

const POSIX_CLASSES: Readonly<Record<string, readonly number[]>> = {
  alnum: [...span("a", "z"), ...span("A", "Z"), ...span("0", "9")],
  alpha: [...span("a", "z"), ...span("A", "Z")],
  blank: [...span(" ", " "), ...span("\t", "\t")],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: span("0", "9"),
  graph: span("!", "~"),
  lower: span("a", "z"),
  print: span(" ", "~"),
  punct: [...span("!", "/"), ...span(":", "@"), ...span("[", "`"), ...span("{", "~")],
  space: [...span(" ", " "), 0x09, 0x0d, 0x0c, 0x0c, 0x0b, 0x0b],
  upper: span("A", "Z"),
  xdigit: [...span("0", "9"), ...span("a", "f"), ...span("A", "F")],
};

function usage(pattern: string, why: string): BlitError {
  return new BlitError("USAGE", `invalid filter pattern '${pattern}': ${why}`, { pattern });
}

function parse(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const out: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (ch === "*") {
      let n = 0;
      while (chars[i + n] === "*") n++;
      out.push({ kind: n === 1 ? "star" : "any" });
      i += n;
    } else if (ch === "?") {
      out.push({ kind: "one" });
      i++;
    } else if (ch === "[") {
      const cls = parseClass(chars, i + 1, pattern);
      out.push(cls.token);
      i = cls.next;
    } else if (ch === "\\") {
      const next = chars[i + 1];
      if (next === undefined) throw usage(pattern, "it ends with a lone '\\'");
      out.push({ kind: "char", c: cp(next) });
      i += 2;
    } else if (ch === "/" && i + 4 === chars.length && chars[i + 1] === "*" && chars[i + 2] === "*" && chars[i + 3] === "*") {
      out.push({ kind: "tail" }, { kind: "any" });
      i += 4;
    } else {
      out.push({ kind: "char", c: cp(ch) });
      i++;
    }
  }
  return out;
}

/** Parses a class whose `[` is just before `start`; returns its token and the next index. */
function parseClass(chars: readonly string[], start: number, pattern: string): { token: Token; next: number } {
  let i = start;
  const negate = chars[i] === "!" || chars[i] === "^";
  if (negate) i++;
  const ranges: number[] = [];
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
        ranges.push(...members);
        i = close + 2;
        continue;
      }
    }
    const lo = readClassChar(chars, i, pattern);
    i = lo.next;
    if (chars[i] === "-" && chars[i + 1] !== undefined && chars[i + 1] !== "]") {
      const hi = readClassChar(chars, i + 1, pattern);
      if (cp(hi.ch) < cp(lo.ch)) throw usage(pattern, `the range '${lo.ch}-${hi.ch}' runs backwards: write it low to high`);
      ranges.push(cp(lo.ch), cp(hi.ch));
      i = hi.next;
    } else {
      ranges.push(cp(lo.ch), cp(lo.ch));
    }
  }
  return { token: { kind: "class", ranges, negate }, next: i + 1 };
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
    const c = cp(chars[k]!);
    if (c < 0x61 || c > 0x7a) return -1;
  }
  return -1;
}
