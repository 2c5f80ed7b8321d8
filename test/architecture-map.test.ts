// docs/architecture.md names one file per behaviour and every port's implementations: each path it
// names must exist, and every port file must appear in its port table, so the map cannot drift.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const map = readFileSync(join(root, "docs/architecture.md"), "utf8");

/** Paths in backticks: `src/…` as written, `adapters/…` below src/. */
function namedPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`((?:src|test)\/[^`\s]+|adapters\/[^`\s]+)`/g)) {
    const p = m[1]!.replace(/\/$/, "");
    out.push(p.startsWith("adapters/") ? `src/${p}` : p);
  }
  return out;
}

describe("docs/architecture.md", () => {
  test("names only files and folders that exist", () => {
    const paths = namedPaths(map).filter((p) => !p.includes("*") && !p.includes("<"));
    expect(paths.length).toBeGreaterThan(30);
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });

  test("lists every port file", () => {
    const ports = readdirSync(join(root, "src/ports")).filter((f) => f.endsWith(".ts")).map((f) => `src/ports/${f}`);
    const named = new Set(namedPaths(map));
    expect(ports.filter((p) => !named.has(p))).toEqual([]);
  });

  test("the path parser sees both spellings", () => {
    expect(namedPaths("a `src/domain/x.ts` and `adapters/tcp` and `test/contract/`")).toEqual(["src/domain/x.ts", "src/adapters/tcp", "test/contract"]);
  });
});
