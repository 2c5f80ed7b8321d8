// SPEC §9 mTLS: with `[tls] client_ca`, an `[[identity]]` naming a client certificate's fingerprint
// grants its modules: the good certificate reads and writes its module (the audit names it); a
// certificate of another CA, an expired one and no certificate at all are refused at the TLS
// handshake (exit 4); a certificate of the CA that no identity names reaches open modules only
// ("authentication required" on the guarded one). The daemon serves on after every bad client.
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir } from "../harness/temp-tree.ts";
import { makeTestCa, OPENSSL } from "../harness/test-ca.ts";

// Skipped only where no openssl command can make the certificates; the reason is OPENSSL.reason.
test.skipIf(!OPENSSL.ok)(`mTLS: good, unknown, expired and missing client certificates (${OPENSSL.reason})`, async () => {
  using dir = makeTempDir("mtls");
  const certs = join(dir.path, "certs");
  mkdirSync(certs);
  const ca = makeTestCa(certs, "clients");
  const other = makeTestCa(certs, "other");
  const laptop = ca.issue("laptop");
  const stranger = ca.issue("stranger");
  const expired = ca.issue("expired", { expired: true });
  const foreign = other.issue("foreign");
  for (const m of ["m", "open"]) mkdirSync(join(dir.path, m));
  writeFileSync(join(dir.path, "f.txt"), "from the laptop");
  await using daemon = await startDaemon({
    modules: { m: { path: join(dir.path, "m") }, open: { path: join(dir.path, "open") } },
    extraToml: `[tls]\nclient_ca = "${ca.ca}"\n\n[[identity]]\nname = "laptop"\nfingerprint = "${laptop.fingerprint}"\nmodules = { m = "rw" }\n`,
  });
  const as = (c: { cert: string; key: string }) => ["--tls-cert", c.cert, "--tls-key", c.key];
  const guarded = `${daemon.control}:/m/`;

  // The identity's certificate: reads and writes its module; the audit trail names the identity.
  expectExit(await runCli(["copy", join(dir.path, "f.txt"), `${guarded}f.txt`, ...as(laptop)]), 0);
  expectExit(await runUtils(["ls", guarded, ...as(laptop)]), 0);
  expect(daemon.stderr()).toMatch(/audit session_start client=127\.0\.0\.1 credential=laptop module=m verb=push/);

  // Refused at the handshake: no certificate, another CA's, an expired one. The daemon serves on.
  for (const bad of [[], as(foreign), as(expired)]) {
    const r = await runUtils(["ls", guarded, ...bad]);
    expectExit(r, 4);
    expect(r.stderr).toMatch(/certificate/i);
    expectExit(await runUtils(["ls", guarded, ...as(laptop)]), 0);
  }

  expect(daemon.stderr()).toMatch(/\[warn\] connection from 127\.0\.0\.1 refused: TLS handshake failed/);

  // The CA's certificate that no [[identity]] names: open modules only.
  expectExit(await runUtils(["ls", `${daemon.control}:/open/`, ...as(stranger)]), 0);
  const refused = await runUtils(["ls", guarded, ...as(stranger)]);
  expectExit(refused, 4);
  expect(refused.stderr).toContain("authentication required");
  expect(daemon.stderr()).not.toContain("credential=stranger");
}, 60_000);
