/**
 * The dependency rule (STYLE §4.3), no import cycles between folders, and the file-size cap (§4.9),
 * checked on every file under src/.
 * Each violation names the file, the line and the rule broken. The checkers are tested on small
 * fixtures first, so a checker that sees nothing cannot pass by accident.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { sourceSpans } from "./harness/source-spans.ts";

const ROOT = resolve(import.meta.dir, "..");
const MAX_LINES = 400;

interface SourceFile {
  /** Repo-relative path with '/' separators, e.g. "src/domain/plan.ts". */
  readonly path: string;
  readonly code: string;
}

interface Violation {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
}

const RULES = {
  domain: "src/domain imports only src/domain (no ports, adapters, apps, node:, bun or npm packages)",
  ports: "src/ports imports only src/domain and src/ports, with `import type`",
  adapters: "src/adapters/<x> imports domain, ports, its own folder, node:/bun: and npm; never another adapter or apps",
  engine: "src/apps/engine imports only src/domain, src/ports and its own folder",
  apps: "src/apps imports adapters only in src/apps/compose.ts",
  adapterIndex: "src/apps/compose.ts imports an adapter through its index.ts",
  devCode: "src never imports test/, bench/ or scripts/",
  dynamic: "import() takes a string literal, so the dependency rule can be checked",
  layout: "src holds only domain/, ports/, adapters/<x>/ and apps/",
  portsTypeOnly: "src/ports holds interfaces only: `import type`, no runtime code",
  pure: "src/domain gets time, randomness and the runtime as parameters, never from globals",
  size: `a source file has at most ${MAX_LINES} lines (gen/ folders exempt)`,
  cycles: "folders never import each other in a cycle (a folder: src/domain, src/ports, src/adapters/<x>, src/apps/<x> with its subfolders, and src/apps/compose.ts)",
} as const;

/** What a file or an import target belongs to; adapters carry their folder name. */
type Layer = "domain" | "ports" | "engine" | "compose" | "apps" | `adapter:${string}` | "dev" | "outside" | "runtime" | "npm" | "stray";

/** STYLE §4.3's table: per kind of importing file, what it may import and the rule it breaks otherwise. */
const TABLE: Readonly<Record<string, { readonly may: readonly string[]; readonly rule: string }>> = {
  domain: { may: ["domain"], rule: RULES.domain },
  ports: { may: ["domain", "ports"], rule: RULES.ports },
  engine: { may: ["domain", "ports", "engine"], rule: RULES.engine },
  compose: { may: ["domain", "ports", "engine", "compose", "apps", "adapter:*", "runtime", "npm", "outside"], rule: RULES.apps },
  apps: { may: ["domain", "ports", "engine", "compose", "apps", "runtime", "npm", "outside"], rule: RULES.apps },
  adapter: { may: ["domain", "ports", "own-adapter", "runtime", "npm", "outside"], rule: RULES.adapters },
};

describe("the checkers, on fixtures", () => {
  test.each([
    ["src/domain/a.ts", 'import type { B } from "./b.ts";\nexport * from "./c.ts";', []],
    ["src/domain/a.ts", '\n\nimport {\n  readFileSync,\n} from "node:fs";', [3]],
    ["src/domain/a.ts", 'import type { Store } from "../ports/store.ts";', [1]],
    ["src/domain/a.ts", 'export { x } from "../apps/engine/x.ts";\nimport "consola";', [1, 2]],
    ["src/domain/a.ts", '// import "node:fs"\n/* import("bun") */ const s = "from";', []],
    ["src/ports/store.ts", 'import type { E } from "../domain/entry.ts";\nimport type { P } from "./planner.ts";', []],
    ["src/ports/store.ts", 'import type { L } from "../adapters/local/index.ts";', [1]],
    ["src/adapters/local/a.ts", 'import { x } from "./b.ts";\nimport fs from "node:fs";\nimport { y } from "consola";\nimport type { S } from "../../ports/store.ts";', []],
    ["src/adapters/local/a.ts", 'import { T } from "../tcp/index.ts";\nconst c = await import("../../apps/compose.ts");', [1, 2]],
    ["src/adapters/local/a.ts", 'new Worker(new URL("../tcp/w.ts", import.meta.url));\nnew Worker(new URL("./w.ts", import.meta.url));', [1]],
    ["src/apps/engine/t.ts", 'import { d } from "../../domain/d.ts";\nimport type { S } from "../../ports/store.ts";\nimport { u } from "./u.ts";', []],
    ["src/apps/engine/t.ts", 'import { readFile } from "node:fs/promises";\nimport { L } from "../../adapters/local/index.ts";\nimport "../compose.ts";', [1, 2, 3]],
    ["src/apps/cli/run.ts", 'const m = await import("../../adapters/local/index.ts");\nconst c = await import("../compose.ts");', [1]],
    ["src/apps/cli/run.ts", "const m = await import(name);\nconst h = require(\"../../../test/harness/x.ts\");", [1, 2]],
    ["src/apps/compose.ts", 'import { L } from "../adapters/local/index.ts";\nimport pkg from "../../package.json" with { type: "json" };', []],
    ["src/apps/compose.ts", 'import { L } from "../adapters/local/local-store.ts";', [1]],
    ["src/misc.ts", "export const x = 1;", [1]],
  ] as const)("imports of %s: %j -> violations on lines %j", (path, code, lines) => {
    expect(checkImports({ path, code }).map((v) => v.line)).toEqual([...lines]);
  });

  test.each([
    ['import type { E } from "../domain/entry.ts";\nexport interface S { e: E }', []],
    ['import { E } from "../domain/entry.ts";\nexport interface S { e: E }\nconsole.log(E);', [1, 1]],
    ["export const DEFAULT_PORT = 9031;", [1]],
  ] as const)("ports file %j -> violations on lines %j", (code, lines) => {
    expect(checkPortsTypeOnly({ path: "src/ports/p.ts", code }).map((v) => v.line)).toEqual([...lines]);
  });

  test.each([
    ["export const now = (clock: () => number) => clock();", []],
    ['// Date.now() is read by the engine\nconst s = "process.env and Bun.file in a message";', []],
    ["const t = Date.now();\nconst e = process.env.HOME;\nconst f = Bun.file(x);", [1, 2, 3]],
    ["const r = crypto.getRandomValues(b);\nconst m = Math.random();\nconst p = performance.now();", [1, 2, 3]],
    ["const d = `${new Date()} ${x}`;", [1]],
  ] as const)("domain code %j -> violations on lines %j", (code, lines) => {
    expect(checkDomainPurity({ path: "src/domain/a.ts", code }).map((v) => v.line)).toEqual([...lines]);
  });

  test.each([
    ["no cycle", [["src/apps/cli/a.ts", 'import "../toolkit/t.ts";'], ["src/apps/utils/b.ts", 'import "../toolkit/t.ts";\nimport "../cli/a.ts";']], []],
    ["two folders", [["src/apps/cli/a.ts", 'import "../utils/b.ts";'], ["src/apps/utils/b.ts", 'const c = await import("../cli/a.ts");']], ["apps/cli -> apps/utils -> apps/cli"]],
    ["a subfolder is its parent", [["src/apps/cli/commands/a.ts", 'import "../../utils/b.ts";'], ["src/apps/utils/b.ts", 'import "../cli/c.ts";']], ["apps/cli -> apps/utils -> apps/cli"]],
    ["through the composition root", [["src/apps/compose.ts", 'import "./trust/t.ts";'], ["src/apps/trust/t.ts", 'import * as compose from "../compose.ts";']], ["apps/compose -> apps/trust -> apps/compose"]],
    ["within one folder is fine", [["src/apps/cli/a.ts", 'import "./b.ts";'], ["src/apps/cli/b.ts", 'import "./a.ts";']], []],
  ] as const)("folder cycles, %s -> %j", (_label, files, cycles) => {
    expect(folderCycles(files.map(([path, code]) => ({ path, code }))).map((c) => c.path)).toEqual([...cycles]);
  });

  test.each([
    ["src/domain/a.ts", MAX_LINES, 0],
    ["src/domain/a.ts", MAX_LINES + 1, 1],
    ["src/adapters/grpc/gen/control.ts", 5000, 0],
  ] as const)("%s with %d lines -> %d violations", (path, lines, count) => {
    expect(checkSize({ path, code: "x;\n".repeat(lines) })).toHaveLength(count);
  });
});

describe("src/", () => {
  const files = loadSources();

  test("has source files to check", () => {
    expect(files.length).toBeGreaterThan(0);
  });
  test("every import follows the dependency rule", () => {
    expect(files.flatMap(checkImports).map(format)).toEqual([]);
  });
  test("ports hold interfaces only", () => {
    expect(files.flatMap(checkPortsTypeOnly).map(format)).toEqual([]);
  });
  test("domain code never reads the clock, randomness or the runtime", () => {
    expect(files.flatMap(checkDomainPurity).map(format)).toEqual([]);
  });
  test("no import cycles between folders", () => {
    expect(folderCycles(files).map((c) => `${c.path}: ${RULES.cycles} (${c.via.join("; ")})`)).toEqual([]);
  });
  test(`every file has at most ${MAX_LINES} lines`, () => {
    expect(files.flatMap(checkSize).map(format)).toEqual([]);
  });
});

// --- internal ---

function loadSources(): SourceFile[] {
  const glob = new Bun.Glob("src/**/*.{ts,tsx,mts,cts,js,mjs}");
  return [...glob.scanSync({ cwd: ROOT })].sort().map((path) => ({ path, code: readFileSync(join(ROOT, path), "utf8") }));
}

const format = (v: Violation): string => `${v.file}:${v.line}: ${v.rule}`;

/** Import specifiers: import/export … from, side-effect import, import(), require(), new URL(…, import.meta.url). */
const SPECIFIER_PATTERNS = [
  /\b(?:import|export)\s[^;"'`]*?\bfrom\s*(["'])([^"']+)\1/g,
  /\bimport\s*(["'])([^"']+)\1/g,
  /\bimport\s*\(\s*(["'`])([^"'`$]+)\1\s*[,)]/g,
  /\brequire\s*\(\s*(["'])([^"']+)\1\s*\)/g,
  /\bnew\s+URL\s*\(\s*(["'])([^"']+)\1\s*,\s*import\.meta\.url\s*\)/g,
];

function checkImports(file: SourceFile): Violation[] {
  const from = layerOfFile(file.path);
  if (from === "stray") return [{ file: file.path, line: 1, rule: RULES.layout }];
  const code = blankOut(file.code, { wipeStrings: false });
  const found: Violation[] = [];
  const literalDynamic = new Set<number>();
  for (const pattern of SPECIFIER_PATTERNS) {
    for (const m of code.matchAll(pattern)) {
      const index = m.index ?? 0;
      if (pattern === SPECIFIER_PATTERNS[2]) literalDynamic.add(index);
      const specifier = m[2] ?? "";
      const rule = ruleBroken(file.path, from, specifier);
      if (rule !== null) found.push({ file: file.path, line: lineOf(code, index), rule: `imports "${specifier}": ${rule}` });
    }
  }
  for (const m of code.matchAll(/\bimport\s*\(/g)) {
    if (!literalDynamic.has(m.index ?? 0)) found.push({ file: file.path, line: lineOf(code, m.index ?? 0), rule: RULES.dynamic });
  }
  return found.sort((a, b) => a.line - b.line);
}

function ruleBroken(path: string, from: Layer, specifier: string): string | null {
  const to = layerOfTarget(path, specifier);
  if (to === "dev") return RULES.devCode;
  const row = TABLE[from.startsWith("adapter:") ? "adapter" : from];
  if (row === undefined) return RULES.layout;
  const ok =
    row.may.includes(to) ||
    (to.startsWith("adapter:") && row.may.includes("adapter:*")) ||
    (to === from && row.may.includes("own-adapter"));
  if (!ok) return row.rule;
  if (from === "compose" && to.startsWith("adapter:") && !/\/index(\.ts)?$/.test(specifier)) return RULES.adapterIndex;
  return null;
}

function layerOfFile(path: string): Layer {
  const [top, area, sub, ...rest] = path.split("/");
  if (top !== "src" || sub === undefined) return "stray";
  if (area === "domain" || area === "ports") return area;
  if (area === "adapters") return rest.length > 0 ? `adapter:${sub}` : "stray";
  if (area !== "apps") return "stray";
  if (sub === "engine" && rest.length > 0) return "engine";
  return /^compose(\.ts)?$/.test(sub) && rest.length === 0 ? "compose" : "apps";
}

function layerOfTarget(fromPath: string, specifier: string): Layer {
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    const target = relative(ROOT, resolve(ROOT, dirname(fromPath), specifier)).replaceAll("\\", "/");
    if (/^(test|bench|scripts)\//.test(target)) return "dev";
    if (!target.startsWith("src/")) return "outside";
    const layer = layerOfFile(target);
    return layer === "stray" ? "outside" : layer;
  }
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : (specifier.split("/")[0] ?? "");
  const runtime = specifier === "bun" || /^(bun|node):/.test(specifier) || builtinModules.includes(name);
  return runtime ? "runtime" : "npm";
}

/** The folder a src/ file belongs to for the cycle rule; a subfolder counts as its top folder. */
function folderOf(path: string): string | null {
  const [top, area, sub, ...rest] = path.split("/");
  if (top !== "src" || area === undefined || sub === undefined) return null;
  if (area === "domain" || area === "ports") return area;
  if (area === "adapters" || area === "apps") return rest.length === 0 ? `${area}/${sub.replace(/\.[a-z]+$/, "")}` : `${area}/${sub}`;
  return null;
}

interface FolderCycle {
  /** The folders in the cycle, the first repeated at the end: `apps/cli -> apps/utils -> apps/cli`. */
  readonly path: string;
  /** One import per step, `file:line imports "specifier"`. */
  readonly via: readonly string[];
}

/** The cycles in the graph of imports between folders (relative specifiers, static and import()), one for each folder not already in a reported cycle. */
function folderCycles(files: readonly SourceFile[]): FolderCycle[] {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(file.path);
    if (from === null) continue;
    const code = blankOut(file.code, { wipeStrings: false });
    for (const pattern of SPECIFIER_PATTERNS) {
      for (const m of code.matchAll(pattern)) {
        const specifier = m[2] ?? "";
        if (!specifier.startsWith(".")) continue;
        const to = folderOf(relative(ROOT, resolve(ROOT, dirname(file.path), specifier)).replaceAll("\\", "/"));
        if (to === null || to === from) continue;
        const out = edges.get(from) ?? new Map<string, string>();
        if (!out.has(to)) out.set(to, `${file.path}:${lineOf(code, m.index ?? 0)} imports "${specifier}"`);
        edges.set(from, out);
      }
    }
  }
  const cycles: FolderCycle[] = [];
  const done = new Set<string>();
  for (const start of [...edges.keys()].sort()) {
    if (done.has(start)) continue;
    const loop = shortestLoop(start, edges);
    if (loop === null) continue;
    for (const folder of loop) done.add(folder);
    const via = loop.map((folder, i) => edges.get(folder)!.get(loop[(i + 1) % loop.length]!)!);
    cycles.push({ path: [...loop, start].join(" -> "), via });
  }
  return cycles;
}

/** The shortest chain of folders from `start` back to itself (breadth first), or null. */
function shortestLoop(start: string, edges: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] | null {
  const before = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const next of [...(edges.get(at)?.keys() ?? [])].sort()) {
      if (next === start) {
        const chain = [at];
        while (chain[0] !== start) chain.unshift(before.get(chain[0]!)!);
        return chain;
      }
      if (before.has(next)) continue;
      before.set(next, at);
      queue.push(next);
    }
  }
  return null;
}

/** Ports: `scanImports` leaves out `import type`, so a non-empty result means a value import. */
function checkPortsTypeOnly(file: SourceFile): Violation[] {
  if (layerOfFile(file.path) !== "ports") return [];
  const transpiler = new Bun.Transpiler({ loader: "ts" });
  const found: Violation[] = transpiler.scanImports(file.code).map((imp) => {
    const at = file.code.indexOf(imp.path);
    return { file: file.path, line: at < 0 ? 1 : lineOf(file.code, at), rule: `${RULES.portsTypeOnly} (value import of "${imp.path}")` };
  });
  if (transpiler.transformSync(file.code).trim() !== "") found.push({ file: file.path, line: 1, rule: `${RULES.portsTypeOnly} (the file compiles to runtime code)` });
  return found;
}

const IMPURE = /\b(?:process\.|Bun\.|Date\.now\(|crypto\.|performance\.now\(|Math\.random\(|new Date\(\))/g;

function checkDomainPurity(file: SourceFile): Violation[] {
  if (layerOfFile(file.path) !== "domain") return [];
  const code = blankOut(file.code, { wipeStrings: true });
  return [...code.matchAll(IMPURE)].map((m) => ({
    file: file.path,
    line: lineOf(code, m.index ?? 0),
    rule: `${RULES.pure}: found "${m[0]}"`,
  }));
}

function checkSize(file: SourceFile): Violation[] {
  if (/(^|\/)gen\//.test(file.path)) return [];
  const lines = file.code.split("\n").length - (file.code.endsWith("\n") ? 1 : 0);
  return lines > MAX_LINES ? [{ file: file.path, line: MAX_LINES + 1, rule: `${RULES.size}: it has ${lines}` }] : [];
}

function lineOf(code: string, index: number): number {
  let line = 1;
  for (let i = code.indexOf("\n"); i >= 0 && i < index; i = code.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * Blanks comments (and, with `strings`, the text of string, template and regex literals) with
 * spaces, keeping every newline, so matches keep their line numbers and never come from comments.
 */
function blankOut(code: string, opts: { wipeStrings: boolean }): string {
  const out = code.split("");
  for (const span of sourceSpans(code)) {
    if (span.kind !== "comment" && !opts.wipeStrings) continue;
    for (let k = span.start; k < span.end; k++) if (out[k] !== "\n") out[k] = " ";
  }
  return out.join("");
}
