// SPEC §9 `--ca FILE`: a daemon whose certificate (`[tls] cert`/`key`) chains to that CA and names
// the host dialled is trusted — no known_hosts line needed; the same daemon dialled by a name its
// certificate does not carry, or checked against another CA, is refused (exit 4).
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";
import { makeTestCa, OPENSSL } from "../harness/test-ca.ts";

// Skipped only where no openssl command can make the certificates; the reason is OPENSSL.reason.
test.skipIf(!OPENSSL.ok)(`--ca: the CA and the host name must both match (${OPENSSL.reason})`, async () => {
  using dir = makeTempDir("ca-trust");
  const certs = join(dir.path, "certs");
  mkdirSync(certs);
  const ca = makeTestCa(certs, "servers");
  const other = makeTestCa(certs, "other");
  const server = ca.issue("localhost", { dns: ["localhost"] });
  await using daemon = await startDaemon({ root: dir.path, trusted: false, extraToml: `[tls]\ncert = "${server.cert}"\nkey = "${server.key}"\n` });
  expect(daemon.ready.fingerprint).toBe(server.fingerprint);
  const env = { XDG_CONFIG_HOME: join(dir.path, "xdg") };

  const named = await runCli(["list", `localhost:${daemon.port}`, "--ca", ca.ca], { env });
  expectExit(named, 0);
  const byAddress = await runCli(["list", `127.0.0.1:${daemon.port}`, "--ca", ca.ca], { env });
  expectExit(byAddress, 4);
  expect(byAddress.stderr).toMatch(/127\.0\.0\.1/);
  expectExit(await runCli(["list", `localhost:${daemon.port}`, "--ca", other.ca], { env }), 4);
}, 60_000);
