// SPEC §5: a bad config file stops the daemon before it serves: exit 2 and a message naming the
// file, the line and the key. A missing file given with --config is exit 2 too.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { DAEMON } from "../harness/daemon.ts";
import { expectExit, runProgram } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test.concurrent.each([
  ["unknown key", '[daemon]\nport = 0\nlisten = "x"\n', ":3:", "unknown key 'listen'"],
  ["module path missing", '[[module]]\nname = "m"\npath = "/nonexistent/blit/path"\n', ":3:", "path"],
  ["invalid module name", '[[module]]\nname = "bad name"\npath = "/tmp"\n', ":2:", "name"],
  ["TOML syntax", "[daemon\n", ":1:", "invalid TOML"],
  ["allowed_sources entry not an address", '[delegation]\nallow = true\nallowed_sources = ["nas:/m/"]\n', ":3:", "allowed_sources entry 'nas:/m/' is not a daemon address"],
  ["delegation allowed from no source", "[delegation]\nallow = true\n", ":2:", "allowed_sources"],
  ["a [[token]] naming an unknown module", `[[module]]\nname = "m"\npath = "/tmp"\n\n[[token]]\nname = "t"\nsha256 = "${"a".repeat(64)}"\nmodules = { nope = "rw" }\n`, ":8:", "unknown module 'nope'"],
  ["a [[token]] sha256 that is not hex", `[[module]]\nname = "m"\npath = "/tmp"\n\n[[token]]\nname = "t"\nsha256 = "secret"\nmodules = { m = "rw" }\n`, ":7:", "sha256 is not 64 hex digits"],
  ["an [[identity]] fingerprint without sha256:", `[[module]]\nname = "m"\npath = "/tmp"\n\n[[identity]]\nname = "i"\nfingerprint = "${"a".repeat(64)}"\nmodules = { m = "ro" }\n`, ":7:", "fingerprint"],
  ["an [[identity]] without [tls] client_ca", `[[module]]\nname = "m"\npath = "/tmp"\n\n[[identity]]\nname = "i"\nfingerprint = "sha256:${"a".repeat(64)}"\nmodules = { m = "ro" }\n`, ":7:", "client_ca"],
  ["a grant that is neither ro nor rw", `[[module]]\nname = "m"\npath = "/tmp"\n\n[[token]]\nname = "t"\nsha256 = "${"a".repeat(64)}"\nmodules = { m = "rx" }\n`, ":8:", "modules"],
  ["a hosts_deny entry that is no address", '[daemon]\nhosts_deny = ["10.0.0.0/33"]\n', ":2:", "hosts_deny entry '10.0.0.0/33'"],
])("%s: exit 2 naming file, line and key", async (_name, toml, line, key) => {
  using dir = makeTempDir("config");
  const file = join(dir.path, "config.toml");
  await Bun.write(file, toml);
  const r = await runProgram(DAEMON, ["--config", file, "--bind", "127.0.0.1", "--port", "0", "--no-mdns"]);
  expectExit(r, 2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(`${file}${line}`);
  expect(r.stderr).toContain(key);
}, 20_000);

test.concurrent.each([
  ["a missing --config file", ["--config", "/nonexistent/blit.toml"]],
  ["an unknown flag", ["--listen", "x"]],
  ["a bad port", ["--port", "65536"]],
  ["a bad data port", ["--data-port", "x"]],
  ["a missing --root", ["--root", "/nonexistent/blit/root"]],
  ["a bad log level", ["--log-level", "loud"]],
])("%s: exit 2", async (_name, args) => {
  const r = await runProgram(DAEMON, ["--bind", "127.0.0.1", "--no-mdns", ...args]);
  expectExit(r, 2);
  expect(r.stderr).toStartWith("blit-daemon: ");
}, 20_000);
