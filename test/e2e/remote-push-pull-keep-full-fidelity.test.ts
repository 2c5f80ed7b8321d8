// SPEC §3 "Fidelity" (issue 15) through a real daemon: a push and a pull keep extended attributes and ACLs and
// recreate hard links within the set and keep a sparse file's holes; an attribute change is an attribute update on both routes.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { FIDELITY_TARGETS, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { diffFidelity, fidelityFacts, writeFidelityTree } from "../harness/tree-fidelity.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

const BASE = FIDELITY_TARGETS[0]?.[1] ?? "/tmp";

/** `diffFidelity` lines of `kinds` only ("attributes", "ACL", "holes", "hard links"). */
const only = (lines: string[], kinds: readonly string[]) => lines.filter((l) => kinds.some((k) => l.startsWith(k)));

test.skipIf(!TOOLS.ok)("a pull keeps attributes, ACLs, holes and hard links; a second pull changes nothing", async () => {
  using dir = tempDirOn(BASE, "fidelity-pull");
  const mod = join(dir.path, "mod");
  writeFidelityTree(mod);
  await using daemon = await startDaemon({ modules: { m: { path: mod, keepOwners: true } } });
  const dst = join(dir.path, "dst");
  const first = await runCli(["copy", `${daemon.control}:/m/`, `${dst}/`]);
  expectExit(first, 0);
  expect(first.stderr).toBe("");
  const lost = diffFidelity(fidelityFacts(mod), fidelityFacts(dst));
  expect(only(lost, ["attributes", "ACL", "holes", "hard links"])).toEqual([]);
  expectTreesEqual(mod, dst, { metadata: true });

  run(["setfattr", "-n", "user.later", "-v", "1", join(mod, "My Album", "photo one.jpg")]);
  const again = await runCli(["copy", "--json", `${daemon.control}:/m/`, `${dst}/`]);
  expectExit(again, 0);
  expect(again.json).toMatchObject({ files_transferred: 0, bytes_transferred: 0 });
  expect(only(diffFidelity(fidelityFacts(mod), fidelityFacts(dst)), ["attributes", "ACL", "holes", "hard links"])).toEqual([]);
});

test.skipIf(!TOOLS.ok)("a push keeps attributes, ACLs, holes and hard links; an attribute change is an attribute update", async () => {
  using dir = tempDirOn(BASE, "fidelity-push");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  writeFidelityTree(src);
  run(["mkdir", mod]);
  await using daemon = await startDaemon({ modules: { m: { path: mod, keepOwners: true } } });
  const first = await runCli(["copy", `${src}/`, `${daemon.control}:/m/`]);
  expectExit(first, 0);
  expect(first.stderr).toBe("");
  expect(only(diffFidelity(fidelityFacts(src), fidelityFacts(mod)), ["attributes", "ACL", "holes", "hard links"])).toEqual([]);
  expectTreesEqual(src, mod, { metadata: true });

  run(["setfacl", "-m", "u:nobody:r", join(src, "disk.img")]);
  const again = await runCli(["copy", "--json", `${src}/`, `${daemon.control}:/m/`]);
  expectExit(again, 0);
  expect(again.json).toMatchObject({ files_transferred: 0, bytes_transferred: 0 });
  expect(only(diffFidelity(fidelityFacts(src), fidelityFacts(mod)), ["attributes", "ACL", "holes", "hard links"])).toEqual([]);
});

test.skipIf(!TOOLS.ok || process.geteuid?.() !== 0)("a module that does not keep owners stores a client's user.* attributes and ACLs, never trusted.*", async () => {
  using dir = tempDirOn(BASE, "fidelity-push-guard");
  const src = join(dir.path, "src");
  const mod = join(dir.path, "mod");
  run(["mkdir", src, mod]);
  const file = join(src, "tool");
  await Bun.write(file, "#!/bin/sh\n");
  run(["setfattr", "-n", "user.note", "-v", "kept", file]);
  run(["setfattr", "-n", "trusted.secret", "-v", "privilege", file]);
  run(["setfacl", "-m", "u:nobody:r", file]);
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  expectExit(await runCli(["copy", `${src}/`, `${daemon.control}:/m/`]), 0);
  const dump = run(["getfattr", "-d", "-m", "-", "-h", "--absolute-names", join(mod, "tool")]);
  expect(dump).toContain('user.note="kept"');
  expect(dump).toContain("system.posix_acl_access");
  expect(dump).not.toContain("trusted.secret");
});
