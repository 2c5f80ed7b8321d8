// SPEC §5 (hostile peers) for destination claims (one run per destination, protocol 5): a claim a
// client sends is a path like any other — `..`, an absolute path or one that climbs out is refused
// and locks nothing outside the module — and one session holds at most
// DAEMON_LIMITS.maxClaimsPerSession claims (each keeps a descriptor per directory level open until
// the session ends), so a flood of claims cannot use up the daemon's descriptors. A normal push is
// served afterwards.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { DAEMON_LIMITS } from "../../src/domain/daemon-limits.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { openSession } from "../harness/session-client.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? e.code : String(e)));

test("claims that leave the module are refused; a session holds a bounded number; the daemon serves on", async () => {
  using top = makeTempDir("hostile-claims");
  const mod = join(top.path, "mod");
  writeTree(top.path, { "mod/.keep": "", "outside/x.txt": "outside", "src/a.txt": "pushed" });
  const max = DAEMON_LIMITS.maxClaimsPerSession;
  for (let i = 0; i <= max; i++) mkdirSync(join(mod, `d${i}`));
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });

  const escapes: Record<string, string> = {};
  for (const path of ["..", "../outside", "/etc", "d0/../../outside"]) {
    await using session = await openSession(daemon, "m", "push");
    escapes[path] = await outcome(session.store.claimDestination(path, true));
  }
  expect(escapes).toEqual({ "..": "PATH_ESCAPE", "../outside": "PATH_ESCAPE", "/etc": "PATH_ESCAPE", "d0/../../outside": "PATH_ESCAPE" });

  {
    await using session = await openSession(daemon, "m", "push");
    const taken: string[] = [];
    for (let i = 0; i < max; i++) taken.push(await outcome(session.store.claimDestination(`d${i}`, true)));
    expect(taken).toEqual(new Array<string>(max).fill("ok"));
    expect(await outcome(session.store.claimDestination(`d${max}`, true))).toBe("USAGE");
  }

  // Nothing stays locked: a run into the module (and into a directory claimed above) lands.
  const push = await runCli(["copy", `${top.path}/src/`, `${daemon.control}:/m/d0/`]);
  expectExit(push, 0);
  expect(readFileSync(join(mod, "d0/a.txt"), "utf8")).toBe("pushed");
  expect(readFileSync(join(top.path, "outside/x.txt"), "utf8")).toBe("outside");
}, 60_000);
