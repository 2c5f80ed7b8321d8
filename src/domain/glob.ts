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
  const kind = Int8Array.from(tokens, (t) => KIND[t.kind]);
  const code = Int32Array.from(tokens, (t) => (t.kind === "char" ? t.c : -1));
  // Literal ends every match must have: cheap rejections before the simulation.
  const suffix = literalRun([...tokens].reverse(), true);
  const prefix = matchTail ? "" : literalRun(tokens);
  let cur = new Int32Array(n + 1);
  let next = new Int32Array(n + 1);
  const mark = new Uint32Array(n + 1);
  let gen = 0;
  /** Adds state `s` and the states it reaches without a character to `list` (of `len`); the new length. */
  const add = (list: Int32Array, len: number, s: number): number => {
    for (;;) {
      if (mark[s] === gen) return len;
      mark[s] = gen;
      list[len++] = s;
      if (s === n) return len;
      const k = kind[s];
      if (k === STAR || k === ANY) s += 1;
      else if (k === TAIL) s += 2;
      else return len;
    }
  };
  const nextGen = () => {
    if (++gen === 0xffffffff) {
      mark.fill(0);
      gen = 1;
    }
  };
  return (subject) => {
    if (!subject.endsWith(suffix) || !subject.startsWith(prefix)) return false;
    nextGen();
    let live = add(cur, 0, 0);
    for (let p = 0; p < subject.length; p++) {
      let c = subject.charCodeAt(p);
      if (c >= 0xd800 && c <= 0xdbff && p + 1 < subject.length) {
        const d = subject.charCodeAt(p + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          p++;
        }
      }
      nextGen();
      let count = 0;
      for (let j = 0; j < live; j++) {
        const s = cur[j]!;
        if (s === n) continue;
        const k = kind[s];
        if (k === CHAR) {
          if (c === code[s]) count = add(next, count, s + 1);
        } else if (k === STAR) {
          if (c !== SLASH) count = add(next, count, s);
        } else if (k === ANY) {
          count = add(next, count, s);
        } else if (k === ONE) {
          if (c !== SLASH) count = add(next, count, s + 1);
        } else if (k === CLASS) {
          const t = tokens[s] as ClassToken;
          if (c !== SLASH && inRanges(t.ranges, c) !== t.negate) count = add(next, count, s + 1);
        } else if (c === SLASH) {
          count = add(next, count, s + 1);
        }
      }
      if (matchTail && c === SLASH) count = add(next, count, 0);
      if (count === 0 && !matchTail) return false;
      const done = cur;
      cur = next;
      next = done;
      live = count;
    }
    for (let j = 0; j < live; j++) if (cur[j] === n) return true;
    return false;
  };
}

// --- internal ---

const SLASH = 0x2f;

/**
 * One piece of a pattern. `star` is `*`, `any` is `**`; `tail` is the `/` of a final `/***`,
 * followed by an `any`, and may also be skipped to the end.
 */
type ClassToken = { readonly kind: "class"; readonly ranges: readonly number[]; readonly negate: boolean };
type Token =
  | { readonly kind: "char"; readonly c: number }
  | { readonly kind: "one" }
  | ClassToken
  | { readonly kind: "star" }
  | { readonly kind: "any" }
  | { readonly kind: "tail" };

const CHAR = 0;
const ONE = 1;
const CLASS = 2;
const STAR = 3;
const ANY = 4;
const TAIL = 5;
const KIND: Readonly<Record<Token["kind"], number>> = { char: CHAR, one: ONE, class: CLASS, star: STAR, any: ANY, tail: TAIL };

/** The literal characters `tokens` start with, as a string (`reversed`: tokens run backwards). */
function literalRun(tokens: readonly Token[], reversed = false): string {
  let out = "";
  for (const t of tokens) {
    if (t.kind !== "char") break;
    out = reversed ? String.fromCodePoint(t.c) + out : out + String.fromCodePoint(t.c);
  }
  return out;
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
