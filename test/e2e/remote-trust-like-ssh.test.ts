// SPEC §9: a client trusts a daemon like ssh. Without a terminal an unknown daemon is refused
// (exit 4) with its fingerprint and the trust command; `blit trust --yes` records it; a daemon
// whose certificate changed is refused with a warning naming the known_hosts line; --pin must
// match; a plaintext daemon is refused unless --no-tls, never a silent downgrade.
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("unknown refused with fingerprint and trust command; trust records; changed key and wrong pin refused; plaintext needs --no-tls", async () => {
  using dir = makeTempDir("trust");
  const home = join(dir.path, "xdg");
  const env = { XDG_CONFIG_HOME: home };
  const state = join(dir.path, "state");
  mkdirSync(state);
  const first = await startDaemon({ root: dir.path, trusted: false, args: ["--state-dir", state] });
  const fp = String(first.ready.fingerprint);
  expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
  const refused = await runCli(["list", first.control], { env });
  expectExit(refused, 4);
  expect(refused.stderr).toContain(fp);
  expect(refused.stderr).toContain(`blit trust ${first.control}`);
  expectExit(await runCli(["list", first.control, "--pin", `sha256:${"0".repeat(64)}`], { env }), 4);
  expectExit(await runCli(["list", first.control, "--pin", fp], { env }), 0);
  expectExit(await runCli(["trust", first.control, "--yes"], { env }), 0);
  expect(readFileSync(join(home, "blit", "known_hosts"), "utf8")).toBe(`${first.control} ${fp}\n`);
  const listed = await runCli(["list", first.control], { env });
  expectExit(listed, 0);
  expect(listed.stdout).toContain(fp);
  const port = first.port;
  await first.stop();
  // Same address, new identity: refused, naming the line.
  const second = await startDaemon({ root: dir.path, trusted: false, args: ["--port", String(port)] });
  const changed = await runCli(["list", second.control], { env });
  expectExit(changed, 4);
  expect(changed.stderr).toContain("CERTIFICATE HAS CHANGED");
  expect(changed.stderr).toContain(`${join(home, "blit", "known_hosts")}:1`);
  await second.stop();
  // A plaintext daemon on that port: refused without --no-tls (exit 4, saying why), accepted with it.
  const plain = await startDaemon({ config: `[tls]\nenabled = false\n[daemon]\nroot = ${JSON.stringify(dir.path)}\n`, trusted: false, args: ["--port", String(port)] });
  expect(plain.ready.tls).toBe(false);
  const downgrade = await runCli(["list", plain.control], { env });
  expectExit(downgrade, 4);
  expect(downgrade.stderr).toContain("--no-tls");
  expectExit(await runCli(["list", plain.control, "--no-tls"], { env }), 0);
  expectExit(await runCli(["list", plain.control], { env: { ...env, BLIT_NO_TLS: "1" } }), 0);
  await plain.stop();
});
