// SPEC §7: `blit list HOST:PORT` and `blit-utils list` show the motd and each module with its
// read-only flag and comment; --json prints one document; server paths never appear.
import { expect, test } from "bun:test";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("blit list and blit-utils list show motd, modules, flags and comments", async () => {
  using a = makeTempDir("list-a");
  using b = makeTempDir("list-b");
  await using daemon = await startDaemon({
    motd: "Welcome to the vault",
    modules: { backup: { path: a.path, readOnly: true, comment: "Nightly backups" }, scratch: { path: b.path } },
  });
  const human = await runCli(["list", daemon.control]);
  expectExit(human, 0);
  expect(human.stdout).toContain("Welcome to the vault");
  expect(human.stdout).toMatch(/backup\s+ro\s+Nightly backups/);
  expect(human.stdout).toMatch(/scratch\s+rw/);
  expect(human.stdout).toContain(`TLS, certificate ${String(daemon.ready.fingerprint)}`);
  const json = await runUtils(["list", daemon.control, "--json"]);
  expectExit(json, 0);
  expect(json.json).toEqual({
    daemon: daemon.control,
    version: daemon.ready.version,
    motd: "Welcome to the vault",
    modules: [
      { name: "backup", read_only: true, auth_required: false, comment: "Nightly backups" },
      { name: "scratch", read_only: false, auth_required: false, comment: "" },
    ],
    default_export: null,
    tls: true,
    fingerprint: daemon.ready.fingerprint,
  });
  for (const r of [human, json]) expect(r.stdout + r.stderr).not.toContain(a.path);
}, 30_000);
