// SPEC §5: a listen address that is not an IP address — given as --bind or as `bind` in the config
// file — stops the daemon before it serves: exit 2, one line naming the input and the fix, no stack.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { DAEMON } from "../harness/daemon.ts";
import { expectExit, runProgram } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

function expectOneLine(stderr: string, ...parts: string[]): void {
  expect(stderr).not.toMatch(/internal error|^\s+at /m);
  const lines = stderr.split("\n").filter((l) => l.startsWith("blit-daemon: ") || l.startsWith("E "));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("blit-daemon: ");
  for (const p of parts) expect(lines[0]).toContain(p);
}

test.concurrent.each([["not-an-ip"], ["999.1.1.1"], ["[::1]"]])("--bind %p: exit 2 naming it", async (bind) => {
  using dir = makeTempDir("bind");
  const r = await runProgram(DAEMON, ["--bind", bind, "--port", "0", "--no-mdns", "--root", dir.path]);
  expectExit(r, 2);
  expect(r.stdout).toBe("");
  expectOneLine(r.stderr, `--bind "${bind}" is not an IP address`, "0.0.0.0");
}, 20_000);

test.concurrent("bind = \"not-an-ip\" in the config file: exit 2 naming the key and the file", async () => {
  using dir = makeTempDir("bind");
  const file = join(dir.path, "config.toml");
  await Bun.write(file, `[daemon]\nbind = "not-an-ip"\nport = 0\nroot = "${dir.path}"\n`);
  const r = await runProgram(DAEMON, ["--config", file, "--no-mdns"]);
  expectExit(r, 2);
  expect(r.stdout).toBe("");
  expectOneLine(r.stderr, `bind = "not-an-ip" in ${file} is not an IP address`);
}, 20_000);
