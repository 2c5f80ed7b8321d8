// SPEC §6 remote→remote: a destination daemon that does not allow delegation (the default), or not
// from that source (`allowed_sources`), refuses before connecting anywhere; the CLI then relays the
// bytes itself with exactly one warning naming the reason, and the trees still land byte-exact.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type DaemonOptions } from "../harness/daemon.ts";
import { expectExit, runCli, stderrLines } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test.concurrent.each([
  ["delegation off (the default)", undefined, "its [delegation] allow is false"],
  ["the source not in allowed_sources", { allow: true, allowedSources: ["127.0.0.1:1", "nas"] }, "not in its [delegation] allowed_sources"],
] as const)("%s: relayed with one warning saying why", async (_name, delegation, reason) => {
  using dir = makeTempDir("remote-delegation-refused");
  for (const m of ["a", "b"]) mkdirSync(join(dir.path, m));
  writeTree(join(dir.path, "a"), { "x.txt": "x", "d/y.txt": "y", "d/e/z.bin": "z".repeat(100_000) });
  await using source = await startDaemon({ modules: { a: { path: join(dir.path, "a") } } });
  const options: DaemonOptions = { modules: { b: { path: join(dir.path, "b") } }, ...(delegation === undefined ? {} : { delegation }) };
  await using dest = await startDaemon(options);
  const r = await runCli(["copy", `${source.control}:/a/`, `${dest.control}:/b/`, "--json"]);
  expectExit(r, 0);
  expect(r.json).toMatchObject({ route: "remote", files_transferred: 3, outcome: "success" });
  const warnings = stderrLines(r).filter((l) => l.includes('"type":"warning"'));
  expect(warnings.length).toBe(1);
  expect(warnings[0]).toContain(`does not allow delegation from ${source.control} (${reason})`);
  expect(warnings[0]).toContain("passes through this machine");
  expect(dest.stderr()).toContain(`delegated pull from ${source.control} refused`);
  expect(dest.stderr()).not.toContain("pulling from");
  expectTreesEqual(join(dir.path, "a"), join(dir.path, "b"), { metadata: true, ignoreRoot: true });
}, 60_000);
