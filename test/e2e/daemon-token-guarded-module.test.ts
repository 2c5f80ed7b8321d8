// SPEC §9: a module named by a [[token]] refuses clients without one of its tokens — anonymous and
// wrong alike, exit 4 —, accepts the right one from BLIT_TOKEN, --token-file or credentials.toml
// (0600 only), an `ro` token cannot push or rm, repeated failures are answered later, and the
// audit trail names the credential, never the secret.
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, KNOWN_HOSTS_FILE, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const RW = "rw-secret-0123456789abcdef0123456789abcdef0123456789abcdef01234567";
const RO = "ro-secret-0123456789abcdef0123456789abcdef0123456789abcdef01234567";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

test("a token-guarded module: refusals, the three ways to present a token, ro tokens, back-off, audit", async () => {
  using mod = makeTempDir("tok-mod");
  using work = makeTempDir("tok-work");
  writeFileSync(join(mod.path, "kept.txt"), "keep me");
  const src = join(work.path, "src");
  mkdirSync(src);
  writeFileSync(join(src, "a.txt"), "hello");
  await using daemon = await startDaemon({
    modules: { m: { path: mod.path }, open: { path: work.path } },
    extraToml: `[[token]]\nname = "writer"\nsha256 = "${sha(RW)}"\nmodules = { m = "rw" }\n\n[[token]]\nname = "reader"\nsha256 = "${sha(RO)}"\nmodules = { m = "ro" }\n`,
  });
  const remote = `${daemon.control}:/m/`;
  const env = { XDG_CONFIG_HOME: join(work.path, "cfg") };
  // This config home trusts the harness daemons too (their known_hosts).
  mkdirSync(join(env.XDG_CONFIG_HOME, "blit"), { recursive: true });
  symlinkSync(KNOWN_HOSTS_FILE, join(env.XDG_CONFIG_HOME, "blit", "known_hosts"));

  // Anonymous and wrong tokens: exit 4, one message.
  const anonymous = await runUtils(["ls", remote], { env: { ...env, BLIT_TOKEN: undefined } });
  const wrong = await runUtils(["ls", remote], { env: { ...env, BLIT_TOKEN: "not-a-token" } });
  expectExit(anonymous, 4);
  expectExit(wrong, 4);
  expect(anonymous.stderr).toContain("authentication required");
  expect(wrong.stderr).toBe(anonymous.stderr);
  expectExit(await runCli(["copy", `${src}/`, remote], { env: { ...env, BLIT_TOKEN: "not-a-token" } }), 4);
  expect(existsSync(join(mod.path, "a.txt"))).toBe(false);

  // The open module stays open; list says which module needs authentication.
  expectExit(await runUtils(["ls", `${daemon.control}:/open/`], { env }), 0);
  const listed = await runUtils(["list", daemon.control, "--json"], { env });
  expect((listed.json?.modules as { name: string; auth_required: boolean }[]).map((m) => [m.name, m.auth_required])).toEqual([["m", true], ["open", false]]);

  // The right token: BLIT_TOKEN, --token-file (0600), credentials.toml (0600).
  expectExit(await runCli(["copy", `${src}/`, remote], { env: { ...env, BLIT_TOKEN: RW } }), 0);
  expect(await Bun.file(join(mod.path, "a.txt")).text()).toBe("hello");
  const tokenFile = join(work.path, "rw.token");
  writeFileSync(tokenFile, `${RW}\n`, { mode: 0o600 });
  expectExit(await runUtils(["ls", remote, "--token-file", tokenFile], { env }), 0);
  const creds = join(env.XDG_CONFIG_HOME, "blit", "credentials.toml");
  mkdirSync(join(env.XDG_CONFIG_HOME, "blit"), { recursive: true });
  writeFileSync(creds, `["${daemon.control}"]\ntoken = "${RW}"\n`, { mode: 0o600 });
  expectExit(await runUtils(["ls", remote], { env }), 0);
  chmodSync(creds, 0o644);
  const loose = await runUtils(["ls", remote], { env });
  expectExit(loose, 2);
  expect(loose.stderr).toContain(creds);
  expect(loose.stderr).toContain(`chmod 600 ${creds}`);

  // An ro token reads but cannot push or rm.
  const ro = { ...env, BLIT_TOKEN: RO };
  expectExit(await runUtils(["ls", remote], { env: ro }), 0);
  writeFileSync(join(src, "b.txt"), "more");
  expectExit(await runCli(["copy", `${src}/`, remote], { env: ro }), 4);
  expectExit(await runUtils(["rm", "--yes", `${remote}kept.txt`], { env: ro }), 4);
  expectExit(await runCli(["move", "--yes", `${remote}kept.txt`, join(work.path, "moved.txt")], { env: ro }), 4);
  expect(existsSync(join(mod.path, "b.txt"))).toBe(false);
  expect(existsSync(join(mod.path, "kept.txt"))).toBe(true);

  // The audit trail: refusals at warn with growing delays from one address; the credential named, no secret.
  const log = daemon.stderr();
  const delays = [...log.matchAll(/audit refused .*refusal=auth .*delay_ms=(\d+)/g)].map((m) => Number(m[1]));
  expect(delays.length).toBeGreaterThanOrEqual(3);
  expect(delays[0]).toBe(0);
  expect(delays[1]).toBeGreaterThan(0);
  expect(delays[2]).toBeGreaterThan(delays[1] ?? 0);
  expect(log).toMatch(/audit session_start client=127\.0\.0\.1 credential=writer module=m verb=push route=push/);
  expect(log).toMatch(/audit session_end client=127\.0\.0\.1 credential=writer module=m verb=push route=push files=1 bytes=5 outcome=ok duration_ms=\d+/);
  expect(log).toMatch(/audit refused client=127\.0\.0\.1 credential=reader module=m verb=push refusal=read-only/);
  expect(log).not.toContain(RW);
  expect(log).not.toContain(RO);
  // The daemon survived every refused client.
  expectExit(await runUtils(["ls", remote], { env: { ...env, BLIT_TOKEN: RW } }), 0);
});
