// SPEC §3 exit 2, for all three programs and every verb: an unknown flag is refused the same way,
// with the program's name, the flag and the help that lists the right ones; with --json the
// refusal is also the one JSON object on stdout. Nothing is dialled: these fail before any I/O.
import { expect, test } from "bun:test";
import { DAEMON } from "../harness/daemon.ts";
import { expectExit, runCli, runProgram, type CliResult } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";

const BLIT_VERBS: [string, string[]][] = [
  ["copy", ["a/", "b/"]],
  ["check", ["a/", "b/"]],
  ["list", ["127.0.0.1:1"]],
  ["trust", ["127.0.0.1:1"]],
  ["scan", ["--no-mdns"]],
  ["diagnostics", ["perf"]],
];

const UTILS_VERBS: [string, string[]][] = [
  ["ls", ["127.0.0.1:1:/m/"]],
  ["rm", ["127.0.0.1:1:/m/x"]],
  ["scan", ["--no-mdns"]],
  ["profile", []],
];

/** Exit 2, and one stderr line `<program>: unknown option '--frobnicate' (see '<command> --help')`. */
function expectRefused(r: CliResult, program: string, command: string): void {
  expectExit(r, 2);
  expect(r.stderr.trim()).toBe(`${program}: unknown option '--frobnicate' (see '${command} --help')`);
}

test.concurrent.each(BLIT_VERBS)("blit %s --frobnicate: exit 2 naming the flag", async (verb, operands) => {
  const r = await runCli([verb, ...operands, "--frobnicate"]);
  expectRefused(r, "blit", `blit ${verb}`);
  expect(r.stdout).toBe("");
});

test.concurrent.each(UTILS_VERBS)("blit-utils %s --frobnicate: exit 2 naming the flag", async (verb, operands) => {
  const r = await runUtils([verb, ...operands, "--frobnicate"]);
  expectRefused(r, "blit-utils", `blit-utils ${verb}`);
  expect(r.stdout).toBe("");
});

test.concurrent("blit-daemon --frobnicate: exit 2 naming the flag, nothing served", async () => {
  const r = await runProgram(DAEMON, ["--no-mdns", "--port", "0", "--frobnicate"]);
  expectRefused(r, "blit-daemon", "blit-daemon");
  expect(r.stdout).toBe("");
});

test.concurrent.each<[string, () => Promise<CliResult>]>([
  ["blit copy", () => runCli(["copy", "--json", "--frobnicate", "a/", "b/"])],
  ["blit list", () => runCli(["list", "--json", "--frobnicate", "127.0.0.1:1"])],
  ["blit-utils ls", () => runUtils(["ls", "--json", "--frobnicate", "127.0.0.1:1:/m/"])],
  ["blit-utils find", () => runUtils(["find", "--json", "--limit", "many", "127.0.0.1:1:/m/"])],
])("%s --json: the refusal is the one JSON object on stdout", async (_label, run) => {
  const r = await run();
  expectExit(r, 2);
  expect(r.json).toEqual({ error: { code: "USAGE", message: expect.any(String) }, exit_code: 2 });
  expect(r.stdout.trim().split("\n")).toHaveLength(1);
});

test.concurrent("a flag where a value goes is a missing value, with the = form as the fix", async () => {
  const r = await runCli(["copy", "--log-file", "--json", "a/", "b/"]);
  expectExit(r, 2);
  expect(r.stderr).toContain("--log-file needs a value");
  expect(r.stderr).toContain("--log-file=VALUE");
});
