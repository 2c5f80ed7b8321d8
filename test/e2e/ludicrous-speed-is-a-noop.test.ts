// SPEC §3: --ludicrous-speed is accepted, hidden from help, does nothing and prints a one-line
// deprecation note.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { expectExit, runCli, stderrLines } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

test.concurrent("copy --ludicrous-speed: exit 0, same result, one deprecation line", async () => {
  using tmp = makeTempDir("ludicrous");
  const src = join(tmp.path, "src");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  const r = await runCli(["copy", "--ludicrous-speed", `${src}/`, join(tmp.path, "dst")]);
  expectExit(r, 0);
  expect(stderrLines(r)).toEqual([expect.stringMatching(/deprecated/i)]);
  expect(stderrLines(r)[0]).toContain("--ludicrous-speed");
  expectTreesEqual(src, join(tmp.path, "dst"), { metadata: true });
});

test.concurrent("--ludicrous-speed does not appear in help", async () => {
  const [main, verb] = await Promise.all([runCli(["--help"]), runCli(["copy", "--help"])]);
  expectExit(main, 0);
  expectExit(verb, 0);
  expect({ main: main.stdout.includes("ludicrous"), verb: verb.stdout.includes("ludicrous") }).toEqual({ main: false, verb: false });
});
