// Listings read attribute names with listxattrat (Linux 6.13) where the kernel has it. A seccomp policy that does not
// know the call answers EPERM (systemd 252's `SystemCallFilter=@system-service` with `SystemCallErrorNumber=EPERM`, as
// the packaged unit sets; container runtimes' older default profiles): blit must then read them by path, keeping
// every attribute and ACL, locally and on both ends of a daemon transfer.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { FIDELITY_TARGETS, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { refuseCallsUnavailable, refusing, SYS_LISTXATTRAT } from "../harness/refuse-calls.ts";
import { BLIT, expectExit, runProgram } from "../harness/run-cli.ts";
import { diffFidelity, fidelityFacts, writeFidelityTree } from "../harness/tree-fidelity.ts";

const BASE = FIDELITY_TARGETS[0]?.[1] ?? "/tmp";
const skip = !TOOLS.ok ? "the fidelity tools (getfattr, getfacl, setfacl) are missing" : refuseCallsUnavailable;

/** `blit ARGS` with listxattrat refused. */
const blitRefused = (args: readonly string[]) => {
  const [launcher, ...rest] = refusing([SYS_LISTXATTRAT], [BLIT, ...args]);
  return runProgram(launcher!, rest);
};

/** `diffFidelity` lines about attributes and ACLs. */
const attrs = (lines: string[]) => lines.filter((l) => l.startsWith("attributes") || l.startsWith("ACL"));

test.skipIf(skip !== null)(`with listxattrat refused (EPERM), a local copy, a push and a pull keep every attribute and ACL${skip === null ? "" : ` (skipped: ${skip})`}`, async () => {
  using dir = tempDirOn(BASE, "fidelity-seccomp");
  const src = join(dir.path, "src");
  writeFidelityTree(src);
  const facts = fidelityFacts(src);
  expect(facts.acls.size).toBeGreaterThan(0);

  const local = await blitRefused(["copy", `${src}/`, join(dir.path, "local")]);
  expectExit(local, 0);
  expect(local.stderr).toBe("");
  expect(attrs(diffFidelity(facts, fidelityFacts(join(dir.path, "local"))))).toEqual([]);

  const mod = join(dir.path, "mod");
  run(["mkdir", mod]);
  await using daemon = await startDaemon({ modules: { m: { path: mod, keepOwners: true } }, launch: (argv) => refusing([SYS_LISTXATTRAT], argv) });
  const push = await blitRefused(["copy", `${src}/`, `${daemon.control}:/m/`]);
  expectExit(push, 0);
  expect(attrs(diffFidelity(facts, fidelityFacts(mod)))).toEqual([]);
  const pull = await blitRefused(["copy", `${daemon.control}:/m/`, `${join(dir.path, "pulled")}/`]);
  expectExit(pull, 0);
  expect(attrs(diffFidelity(facts, fidelityFacts(join(dir.path, "pulled"))))).toEqual([]);

  // The daemon's own listing read the attributes by path too: a second push finds nothing to change.
  const again = await blitRefused(["copy", "--json", `${src}/`, `${daemon.control}:/m/`]);
  expectExit(again, 0);
  expect(again.json).toMatchObject({ files_transferred: 0, bytes_transferred: 0 });
});
