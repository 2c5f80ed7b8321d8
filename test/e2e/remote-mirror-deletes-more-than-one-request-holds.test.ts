// SPEC §5 limits: a daemon takes at most DAEMON_LIMITS.maxRequestItems items in one request, and a
// mirror to it that deletes more entries than that still deletes them all (the client splits them).
import { expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DAEMON_LIMITS } from "../../src/domain/daemon-limits.ts";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test("a remote mirror deleting more entries than one request may carry deletes every one", async () => {
  using dir = makeTempDir("mirror-many-deletes");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  writeTree(src, { "keep.txt": "kept" });
  mkdirSync(mod);
  // Extraneous entries side by side: each is one path of the deletion.
  for (let i = 0; i < DAEMON_LIMITS.maxRequestItems + 500; i++) writeFileSync(join(mod, `old${i}`), "");
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const r = await runCli(["mirror", "--yes", "--json", `${src}/`, `${daemon.control}:/m/`]);
  expectExit(r, 0);
  expect(r.json).toMatchObject({ outcome: "success" });
  expect(readdirSync(mod).sort()).toEqual(["keep.txt"]);
}, 120_000);
