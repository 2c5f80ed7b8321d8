// SPEC §5 (hostile peers): one `find` is bounded — it stops with PARTIAL, naming the limit, once it
// visited its budget of entries — and a pattern longer than the daemon accepts is USAGE.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../../src/adapters/local/index.ts";
import { DaemonControl, FIND_MAX_PATTERN } from "../../../src/apps/daemon/daemon-control.ts";
import { ModuleExports } from "../../../src/apps/daemon/module-exports.ts";
import { isBlitError } from "../../../src/domain/errors.ts";

let root = "";
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "blit-find-budget-"));
  mkdirSync(join(root, "d"));
  for (let i = 0; i < 30; i++) writeFileSync(join(root, i % 2 === 0 ? "" : "d", `f${i}`), "");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(control: DaemonControl, pattern: string): Promise<{ found: number; error: string | null }> {
  let found = 0;
  try {
    for await (const _ of control.find({ target: { module: "m", path: "" }, pattern, kind: "any", limit: 0 })) found++;
  } catch (e) {
    return { found, error: isBlitError(e) ? `${e.code}: ${e.message}` : String(e) };
  }
  return { found, error: null };
}

test("a find past its budget of visits stops with PARTIAL naming the limit; within it, it completes", async () => {
  await using store = new LocalStore({ root, cleanTemporaries: false, maxThreads: 1, beneath: true });
  const exports = new ModuleExports([{ name: "m", comment: "", readOnly: true, root, store }], null);
  const facts = { version: "test", protocolVersion: 0, motd: "" };
  const small = await run(new DaemonControl(exports, facts, { maxVisits: 10, maxMs: 60_000 }), "");
  expect(small.found).toBe(10);
  expect(small.error).toMatch(/^PARTIAL: find stopped after visiting 10 entries .*limit for one call is 10 entries/);
  expect(await run(new DaemonControl(exports, facts, { maxVisits: 100, maxMs: 60_000 }), "")).toEqual({ found: 31, error: null });
  const long = await run(new DaemonControl(exports, facts), "x".repeat(FIND_MAX_PATTERN + 1));
  expect(long.error).toStartWith("USAGE: the find pattern is");
});
