// The reference blit's fidelity is held to: on one tree (attributes, ACLs, hard links, a sparse file, names with
// spaces), `rsync -aHAXS` keeps everything the fidelity checker reads, and a plain copy is caught losing each kind.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { FIDELITY_TARGETS, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { diffFidelity, fidelityFacts, writeFidelityTree } from "../harness/tree-fidelity.ts";

const RSYNC = Bun.which("rsync") !== null;

test.skipIf(!TOOLS.ok || !RSYNC)("rsync -aHAXS keeps attributes, ACLs, holes and hard links; a plain copy loses each", () => {
  using dir = tempDirOn(FIDELITY_TARGETS[0]?.[1] ?? "/tmp", "fidelity-ref");
  const src = join(dir.path, "src");
  writeFidelityTree(src);
  const facts = fidelityFacts(src);
  expect(facts.linkGroups).toEqual([["My Album/deeper/third", "My Album/shared again", "shared"]]);
  expect([...facts.acls.keys()].sort()).toEqual(["My Album", "My Album/photo one.jpg"]);

  run(["rsync", "-aHAXS", `${src}/`, join(dir.path, "rsync")]);
  expect(diffFidelity(facts, fidelityFacts(join(dir.path, "rsync")))).toEqual([]);

  run(["cp", "-r", "--sparse=never", src, join(dir.path, "plain")]);
  const lost = diffFidelity(facts, fidelityFacts(join(dir.path, "plain")));
  expect(lost.map((l) => l.split(/:| of /)[0])).toEqual(expect.arrayContaining(["attributes", "ACL", "holes", "hard links lost"]));
});
