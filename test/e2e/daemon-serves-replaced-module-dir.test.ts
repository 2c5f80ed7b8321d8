// SPEC §5: a module directory replaced while the daemon runs — deleted and created again, a disk
// (here a bind mount) mounted over it — is served as the new directory from the next request on,
// for listing, push and pull; while it is missing, errors name the module root, never an empty path.
import { expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const names = (json: Record<string, unknown> | undefined): unknown[] => ((json?.entries as Record<string, unknown>[]) ?? []).map((e) => e.name);

function canBindMount(dir: string): boolean {
  const probe = join(dir, "probe");
  mkdirSync(probe);
  try {
    execFileSync("mount", ["--bind", probe, probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("rm -rf + mkdir, then a bind mount over the module: served afresh; missing: named, exit 3", async () => {
  using tmp = makeTempDir("replaced-module");
  const root = join(tmp.path, "m");
  writeTree(tmp.path, { "m/old": "old", "src/new.txt": "pushed", "disk/on-disk": "disk" });
  await using daemon = await startDaemon({ modules: { m: { path: root } } });
  const m = `${daemon.control}:/m/`;
  expect(names((await runUtils(["ls", m, "--json"])).json)).toEqual(["old"]);

  rmSync(root, { recursive: true });
  const gone = await runUtils(["ls", m]);
  expectExit(gone, 3);
  expect(gone.stderr).toContain("the module root of 'm'");
  expect(gone.stderr).not.toMatch(/ : |cannot \w+ :/);
  const pushGone = await runCli(["copy", join(tmp.path, "src/"), m]);
  expectExit(pushGone, 3);
  expect(pushGone.stderr).toContain("the module root of 'm'");

  mkdirSync(root);
  writeFileSync(join(root, "restored"), "restored");
  expect(names((await runUtils(["ls", m, "--json"])).json)).toEqual(["restored"]);
  expectExit(await runCli(["copy", join(tmp.path, "src/"), m]), 0);
  expect(readFileSync(join(root, "new.txt"), "utf8")).toBe("pushed");
  expectExit(await runCli(["copy", `${m}restored`, join(tmp.path, "pulled")]), 0);
  expect(readFileSync(join(tmp.path, "pulled"), "utf8")).toBe("restored");

  if (!canBindMount(tmp.path)) return;
  execFileSync("mount", ["--bind", join(tmp.path, "disk"), root]);
  try {
    expect(names((await runUtils(["ls", m, "--json"])).json)).toEqual(["on-disk"]);
    expectExit(await runCli(["copy", join(tmp.path, "src/"), m]), 0);
    expect(readFileSync(join(tmp.path, "disk", "new.txt"), "utf8")).toBe("pushed");
  } finally {
    execFileSync("umount", ["--lazy", root]);
  }
  expect(names((await runUtils(["ls", m, "--json"])).json)).toEqual(["new.txt", "restored"]);
}, 60_000);
