// SPEC §9 trust on first use: on a terminal, an unknown daemon's fingerprint is shown with a
// `[y/N]` question; "y" records it in known_hosts and the command goes on, "N" (or anything
// else) refuses with exit 4 and records nothing. The terminal is a pty made by util-linux
// `script`, whose input is the answer.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { BLIT, runProgram } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const SCRIPT = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

// Skipped only where util-linux `script` (a pty for the question) is missing.
test.skipIf(!SCRIPT)("an unknown daemon on a terminal: the question, y records and goes on, N refuses (exit 4)", async () => {
  using dir = makeTempDir("tofu");
  await using daemon = await startDaemon({ root: dir.path, trusted: false });
  const fp = String(daemon.ready.fingerprint);
  const onTerminal = (home: string, answer: string) =>
    runProgram("script", ["-qec", `${BLIT} list ${daemon.control}`, "/dev/null"], { stdin: answer, env: { XDG_CONFIG_HOME: join(dir.path, home) } });
  const knownHosts = (home: string) => join(dir.path, home, "blit", "known_hosts");

  const no = await onTerminal("no", "N\n");
  expect(no.exitCode).toBe(4);
  expect(no.stdout).toContain(fp);
  expect(no.stdout).toContain("[y/N]");
  expect(existsSync(knownHosts("no")) ? readFileSync(knownHosts("no"), "utf8") : "").not.toContain(fp);

  const yes = await onTerminal("yes", "y\n");
  expect(yes.exitCode).toBe(0);
  expect(yes.stdout).toContain("[y/N]");
  expect(readFileSync(knownHosts("yes"), "utf8")).toBe(`${daemon.control} ${fp}\n`);
  // Recorded: the next run asks nothing.
  const again = await onTerminal("yes", "");
  expect(again.exitCode).toBe(0);
  expect(again.stdout).not.toContain("[y/N]");
}, 60_000);
