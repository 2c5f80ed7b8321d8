/**
 * The comments and literals of a TypeScript source, found by a small scanner (no parser): what the
 * architecture test blanks out and what the one-path-rule test reads. A `/` starts a regex when
 * what precedes it cannot end an operand; template literals nest through `${ … }`.
 */
export interface SourceSpan {
  readonly kind: "comment" | "string" | "regex" | "template";
  /** Where the comment starts, or where the literal's text starts (after its quote). */
  readonly start: number;
  /** Where the comment ends, or where the literal's text ends (before its quote). */
  readonly end: number;
}

export function sourceSpans(code: string): SourceSpan[] {
  const spans: SourceSpan[] = [];
  const templateDepths: number[] = [];
  let depth = 0;
  let prev = "";
  let i = 0;
  const template = (start: number): number => {
    let k = start;
    while (k < code.length && code[k] !== "`" && !(code[k] === "$" && code[k + 1] === "{")) k += code[k] === "\\" ? 2 : 1;
    spans.push({ kind: "template", start, end: Math.min(k, code.length) });
    if (code[k] === "`") return k + 1;
    templateDepths.push(depth++);
    return k + 2;
  };
  while (i < code.length) {
    const c = code[i] ?? "";
    const next = code[i + 1];
    if (c === "/" && (next === "/" || next === "*")) {
      const stop = next === "/" ? code.indexOf("\n", i) : code.indexOf("*/", i + 2);
      const end = stop < 0 ? code.length : next === "/" ? stop : stop + 2;
      spans.push({ kind: "comment", start: i, end });
      i = end;
    } else if (c === '"' || c === "'" || (c === "/" && "(,=:[!&|?{};+-*%<>~^".includes(prev || ";"))) {
      const end = literalEnd(code, i, c);
      spans.push({ kind: c === "/" ? "regex" : "string", start: i + 1, end: Math.max(i + 1, end - 1) });
      prev = c;
      i = end;
    } else if (c === "`") {
      i = template(i + 1);
      prev = "`";
    } else if (c === "}" && templateDepths.length > 0 && depth - 1 === templateDepths.at(-1)) {
      templateDepths.pop();
      depth--;
      i = template(i + 1);
      prev = "`";
    } else {
      if (c === "{") depth++;
      if (c === "}") depth--;
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return spans;
}

/** The index after the literal that opens at `start` with `quote` (', " or / of a regex). */
function literalEnd(code: string, start: number, quote: string): number {
  let inClass = false;
  for (let k = start + 1; k < code.length; k++) {
    const ch = code[k];
    if (ch === "\\") k++;
    else if (ch === "\n") return k;
    else if (quote === "/" && (ch === "[" || ch === "]")) inClass = ch === "[";
    else if (ch === quote && !inClass) return k + 1;
  }
  return code.length;
}
