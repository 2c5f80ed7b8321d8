/**
 * The one path rule (issue 12): whether a path or a name steps through `..` is decided in
 * src/domain/peer-path.ts only (checkPath, checkName, isDotName, hasParentSegment); every other
 * file calls it. This test reads every file under src/ and fails on a `..` test outside it: a
 * string literal that is `..`, `../`, `/..` or `/../` (as compared, or searched for), or a regex
 * literal holding `\.\.`. Comments and message text (`through '..'`) do not count. The few places
 * where `..` is local path spelling for the kernel to resolve, not containment, are listed with
 * their count, so a new check there fails too. The scanner is tested on fixtures first.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sourceSpans } from "./harness/source-spans.ts";

const ROOT = resolve(import.meta.dir, "..");
const RULE_FILE = "src/domain/peer-path.ts";

/** `..` as local path spelling (the kernel resolves it): how many such tests each file may hold, and why. */
const LOCAL_SPELLING: Readonly<Record<string, { readonly count: number; readonly why: string }>> = {
  "src/domain/endpoint.ts": {
    count: 4,
    why: "a local argument `..`, `../x` or `x/..` is local and names a directory's contents (SPEC §2); it is never checked for containment",
  },
};

interface Finding {
  readonly line: number;
  readonly text: string;
}

describe("the scanner, on fixtures", () => {
  test.each([
    ['if (s === "..") x();', [1]],
    ["if ('..' !== s) x();", [1]],
    ['const bad = p.startsWith("../") || p.endsWith("/..") || p.includes("/../");', [1, 1, 1]],
    ["const DOT_DOT = /(?:^|\\/)\\.\\.(?:\\/|$)/;", [1]],
    ['const ok = s.split("/").filter((x) => x !== "");\nconst m = `leaves ${root} through \'..\'`;', []],
    ['// a segment === ".." is refused\n/* "../" */ const t = "a..b";', []],
    ['const r = a / b;\nconst e = "x".replace(/\\.\\./g, "");', [2]],
    ['const t = `${dir}/..`;', [1]],
  ] as const)("%j -> findings on lines %j", (code, lines) => {
    expect(dotDotTests(code).map((f) => f.line)).toEqual([...lines]);
  });
});

describe("src/", () => {
  const files = [...new Bun.Glob("src/**/*.{ts,tsx,mts,cts,js,mjs}").scanSync({ cwd: ROOT })].sort();

  test("has the rule's file and others to read", () => {
    expect(files).toContain(RULE_FILE);
    expect(files.length).toBeGreaterThan(10);
  });

  test("tests `..` only in src/domain/peer-path.ts (and local spelling where listed)", () => {
    const found: string[] = [];
    for (const path of files) {
      if (path === RULE_FILE) continue;
      const hits = dotDotTests(readFileSync(join(ROOT, path), "utf8"));
      const allowed = LOCAL_SPELLING[path]?.count ?? 0;
      if (hits.length !== allowed) found.push(...hits.map((h) => `${path}:${h.line}: ${h.text} (${hits.length} here, ${allowed} allowed): call src/domain/peer-path.ts instead`));
    }
    expect(found).toEqual([]);
  });

  test("the rule's file holds the checks", () => {
    expect(dotDotTests(readFileSync(join(ROOT, RULE_FILE), "utf8")).length).toBeGreaterThan(0);
  });
});

// --- internal ---

const DOT_DOT_STRINGS = new Set(["..", "../", "/..", "/../"]);

/**
 * The `..` tests in `code`: string literals (and template pieces) that are exactly one of
 * DOT_DOT_STRINGS, and regex literals holding `\.\.`. Comments are skipped; a `/` starts a regex
 * when what precedes it cannot end an operand.
 */
function dotDotTests(code: string): Finding[] {
  const lineAt = (index: number): number => code.slice(0, index).split("\n").length;
  const found: Finding[] = [];
  for (const span of sourceSpans(code)) {
    const text = code.slice(span.start, span.end);
    if (span.kind === "regex" && text.includes("\\.\\.")) found.push({ line: lineAt(span.start), text: `/${text}/` });
    const quote = span.kind === "string" ? code[span.start - 1] : "`";
    if ((span.kind === "string" || span.kind === "template") && DOT_DOT_STRINGS.has(text)) found.push({ line: lineAt(span.start), text: `${quote}${text}${quote}` });
  }
  return found;
}
