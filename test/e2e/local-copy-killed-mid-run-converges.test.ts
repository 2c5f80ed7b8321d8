// SPEC §3 "Atomic writes": a local copy killed (kill -9) while it fills new directories leaves no torn
// file under a final name — a new directory is filled under its temporary name and renamed into place
// once — and the next run removes what the killed one left and converges byte-exact.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil, temporariesUnder } from "../harness/process-probe.ts";
import { BLIT, expectExit, REPO_ROOT, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

const DIRS = 150;
const FILES = 100;
const body = (d: number, f: number) => `${d}/${f} `.repeat(1200);

test("kill -9 of a local copy filling new directories: no torn file under a final name, a re-run converges", async () => {
  using tmp = makeTempDir("local-kill");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  const tree: Record<string, string> = {};
  for (let d = 0; d < DIRS; d++) for (let f = 0; f < FILES; f++) tree[`d${d}/f${f}`] = body(d, f);
  writeTree(src, tree);
  const copy = Bun.spawn([BLIT, "copy", `${src}/`, dst], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "ignore" });
  // Killed as soon as a new directory is seen under its temporary name (still being filled).
  const caught = await pollUntil(() => (temporariesUnder(dst).some((p) => p.includes(".dir-")) ? true : copy.exitCode !== null ? false : undefined), "a staged directory", 30_000);
  copy.kill("SIGKILL");
  await copy.exited;
  expect(caught).toBe(true);
  // Every file reachable by a final path is whole: the source's bytes exactly.
  const finals = listTree(dst).filter((p) => !p.endsWith("/") && !p.includes(".blit-tmp-"));
  for (const p of finals) expect(readFileSync(join(dst, p), "utf8")).toBe(tree[p]!);
  expect(finals.length).toBeLessThan(DIRS * FILES);
  const again = await runCli(["copy", `${src}/`, dst]);
  expectExit(again, 0);
  expectTreesEqual(src, dst, { metadata: true, ignoreRoot: true });
  expect(temporariesUnder(dst)).toEqual([]);
  expect(readdirSync(dst).length).toBe(DIRS);
});
