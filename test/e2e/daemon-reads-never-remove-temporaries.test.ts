// SPEC §5 "Read-only modules are never modified by any request, temporaries included", and §3: only
// a run writing into a directory removes stale temporaries there. Listings, finds, sizes and pulls
// of a module — read-only or not — leave files and directories named like temporaries alone.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const PRECIOUS = {
  "a.txt": "a",
  ".blit-tmp-zzzzzz-precious": "not ours",
  "sub/.blit-tmp-zzzzzz-precious": "not ours either",
  ".blit-tmp-zzzzzz-precious-dir/inside.txt": "a whole directory",
};

test("ls, find, du and a pull of read-only and writable modules remove nothing", async () => {
  using tmp = makeTempDir("reads-keep-temps");
  const ro = join(tmp.path, "ro");
  const rw = join(tmp.path, "rw");
  writeTree(ro, PRECIOUS);
  writeTree(rw, PRECIOUS);
  const before = listTree(ro);
  await using daemon = await startDaemon({ modules: { ro: { path: ro, readOnly: true }, rw: { path: rw } } });
  for (const m of ["ro", "rw"]) {
    const url = `${daemon.control}:/${m}/`;
    expectExit(await runUtils(["ls", url, "--json"]), 0);
    expectExit(await runUtils(["ls", `${url}sub/`, "--json"]), 0);
    expectExit(await runUtils(["find", url, "--json"]), 0);
    expectExit(await runUtils(["du", url, "--json"]), 0);
    expectExit(await runCli(["copy", url, join(tmp.path, `pulled-${m}`)]), 0);
  }
  expect({ ro: listTree(ro), rw: listTree(rw) }).toEqual({ ro: before, rw: before });
  expect(listTree(join(tmp.path, "pulled-ro"))).toEqual(["a.txt", "sub/"]);
});
