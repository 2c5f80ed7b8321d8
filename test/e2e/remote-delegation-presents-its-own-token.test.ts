// SPEC §9 delegated pulls: the destination daemon authenticates to a token-guarded source daemon
// with its own credential (`[delegation] token_file`), never the client's, and verifies the source
// over TLS from its `[delegation] known_hosts`. A client without any token gets the files
// delegated; the source's audit names the destination's credential. A destination without a
// token_file is refused by the source like an anonymous client, and the CLI, which has no token
// either, ends with exit 4.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const SECRET = "delegation-secret-0123456789abcdef0123456789abcdef0123456789abcdef";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

test("the destination presents its token_file to the source; without one the source refuses it", async () => {
  using dir = makeTempDir("delegation-token");
  for (const d of ["s", "d", "d2"]) mkdirSync(join(dir.path, d));
  writeFileSync(join(dir.path, "s", "a.txt"), "guarded source file");
  const tokenFile = join(dir.path, "dest.token");
  writeFileSync(tokenFile, `${SECRET}\n`);
  chmodSync(tokenFile, 0o600);
  await using source = await startDaemon({ modules: { s: { path: join(dir.path, "s") } }, extraToml: `[[token]]\nname = "backup-box"\nsha256 = "${sha(SECRET)}"\nmodules = { s = "ro" }\n` });
  await using dest = await startDaemon({ modules: { d: { path: join(dir.path, "d") } }, delegation: { allow: true, allowedSources: ["127.0.0.1"], tokenFile } });
  await using tokenless = await startDaemon({ modules: { d: { path: join(dir.path, "d2") } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } });
  const anonymous = { BLIT_TOKEN: undefined };

  const r = await runCli(["copy", "--json", `${source.control}:/s/`, `${dest.control}:/d/`], { env: anonymous });
  expectExit(r, 0);
  expect(r.json).toMatchObject({ route: "delegated", files_transferred: 1, tls: true });
  expect(readFileSync(join(dir.path, "d", "a.txt"), "utf8")).toBe("guarded source file");
  expect(source.stderr()).toMatch(/audit session_start client=127\.0\.0\.1 credential=backup-box module=s verb=pull/);
  expect(source.stderr()).not.toContain(SECRET);

  const refused = await runCli(["copy", "--json", `${source.control}:/s/`, `${tokenless.control}:/d/`], { env: anonymous });
  expectExit(refused, 4);
  expect(refused.stderr).toContain("authentication required");
  expect(readFileSync(join(dir.path, "d", "a.txt"), "utf8")).toBe("guarded source file");
}, 60_000);

test("a destination that does not know the source's certificate does not pull from it: the CLI relays, saying why", async () => {
  using dir = makeTempDir("delegation-unknown-source");
  for (const d of ["s", "d", "state"]) mkdirSync(join(dir.path, d));
  writeFileSync(join(dir.path, "s", "a.txt"), "open source file");
  await using source = await startDaemon({ modules: { s: { path: join(dir.path, "s") } } });
  // Its own state directory: an empty known_hosts of its own, not the harness's.
  await using dest = await startDaemon({ modules: { d: { path: join(dir.path, "d") } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] }, args: ["--state-dir", join(dir.path, "state")] });
  const r = await runCli(["copy", "--json", `${source.control}:/s/`, `${dest.control}:/d/`]);
  expectExit(r, 0);
  expect(r.json).toMatchObject({ route: "remote", files_transferred: 1 });
  expect(r.stderr).toContain(source.control);
  expect(r.stderr).toMatch(/not known|known_hosts/);
  expect(readFileSync(join(dir.path, "d", "a.txt"), "utf8")).toBe("open source file");
}, 60_000);
