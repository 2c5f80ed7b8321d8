// SPEC §3 "Fidelity" (issue 15) on the remote→remote routes: relayed through the client (the destination daemon does
// not pull itself: route "remote") and delegated (the destination daemon pulls from the source daemon: route
// "delegated"), a copy keeps extended attributes and ACLs, recreates hard links within the set and keeps a sparse
// file's holes, as a push and a pull do.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startRouteDaemons } from "../harness/daemon.ts";
import { FIDELITY_TARGETS, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { diffFidelity, fidelityFacts, writeFidelityTree } from "../harness/tree-fidelity.ts";

const BASE = FIDELITY_TARGETS[0]?.[1] ?? "/tmp";

/** `diffFidelity` lines of the kinds SPEC §3 keeps beyond bytes and modes. */
const kept = (lines: string[]) => lines.filter((l) => ["attributes", "ACL", "holes", "hard links"].some((k) => l.startsWith(k)));

test.skipIf(!TOOLS.ok)("relayed and delegated remote→remote copies keep attributes, ACLs, holes and hard links", async () => {
  using dir = tempDirOn(BASE, "fidelity-r2r");
  const mod = join(dir.path, "mod");
  run(["mkdir", mod]);
  writeFidelityTree(join(mod, "src"));
  const facts = fidelityFacts(join(mod, "src"));
  expect(facts.linkGroups.length).toBeGreaterThan(0);
  await using daemons = await startRouteDaemons(mod);
  const from = `${daemons.plain.control}:/t/src/`;
  for (const [route, to, name] of [
    ["remote", daemons.plain.control, "relayed"],
    ["delegated", daemons.delegating.control, "delegated"],
  ] as const) {
    const r = await runCli(["copy", "--json", from, `${to}:/t/${name}/`]);
    expectExit(r, 0);
    expect(r.json).toMatchObject({ route, files_failed: 0 });
    expect({ route, lost: kept(diffFidelity(facts, fidelityFacts(join(mod, name)))) }).toEqual({ route, lost: [] });
  }
});
