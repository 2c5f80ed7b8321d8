// SPEC §3 `blit check` with "Fidelity": a change a transfer would fix without sending data — a file's or a
// directory's mode, an extended attribute, a POSIX ACL — is a difference (exit 1, its reason listed and in --json),
// locally and against a daemon; a tree just copied is identical (exit 0). As `rsync -naiAX` would show them.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { FIDELITY_TARGETS, run, tempDirOn, TOOLS } from "../harness/fidelity-fs.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { writeTree } from "../harness/temp-tree.ts";

const BASE = FIDELITY_TARGETS[0]?.[1] ?? "/tmp";

/** One change of the destination, made with the usual tools, and the difference check must report. */
const CHANGES: readonly (readonly [label: string, argv: (dst: string) => string[], path: string, reason: string])[] = [
  ["a file's mode", (d) => ["chmod", "600", join(d, "a.txt")], "a.txt", "mode"],
  ["a file's extended attribute", (d) => ["setfattr", "-n", "user.k", "-v", "5", join(d, "a.txt")], "a.txt", "xattrs"],
  ["a file's ACL", (d) => ["setfacl", "-m", "u:nobody:r", join(d, "sub", "b.txt")], "sub/b.txt", "acls"],
  ["a directory's mode", (d) => ["chmod", "700", join(d, "sub")], "sub", "mode"],
  ["a directory's default ACL", (d) => ["setfacl", "-d", "-m", "u:nobody:rx", join(d, "sub")], "sub", "acls"],
];

/** A source tree with an extended attribute on a.txt. */
function writeSource(src: string): void {
  writeTree(src, { "a.txt": "alpha", "sub/b.txt": "beta" });
  run(["setfattr", "-n", "user.k", "-v", "1", join(src, "a.txt")]);
}

test.skipIf(!TOOLS.ok).each(CHANGES)("local: a copy is identical (exit 0); %s alone is one difference (exit 1)", async (label, argv, path, reason) => {
  using dir = tempDirOn(BASE, "check-attrs");
  const src = join(dir.path, "src");
  const dst = join(dir.path, "dst");
  writeSource(src);
  expectExit(await runCli(["copy", `${src}/`, dst]), 0);
  const same = await runCli(["check", "--json", `${src}/`, `${dst}/`]);
  expectExit(same, 0);
  expect(same.json).toMatchObject({ identical: true, differences: [] });

  run(argv(dst));
  const changed = await runCli(["check", "--json", `${src}/`, `${dst}/`]);
  expectExit(changed, 1);
  expect({ label, json: changed.json }).toMatchObject({ label, json: { identical: false, differences: [{ path, reason }] } });
  const human = await runCli(["check", `${src}/`, `${dst}/`]);
  expectExit(human, 1);
  expect(human.stdout).toBe(`${reason}\t${path}\n`);
  expectExit(await runCli(["check", "-c", "--json", `${src}/`, `${dst}/`]), 1);
});

test.skipIf(!TOOLS.ok)("against a daemon: a pushed tree is identical; a mode, attribute or ACL changed there is a difference", async () => {
  using dir = tempDirOn(BASE, "check-attrs-remote");
  const src = join(dir.path, "src");
  const module = join(dir.path, "m");
  writeSource(src);
  writeTree(module, { "tree/.keep": "" });
  await using daemon = await startDaemon({ modules: { m: { path: module } } });
  const remote = `${daemon.control}:/m/tree/`;
  expectExit(await runCli(["mirror", "--yes", `${src}/`, remote]), 0);
  expectExit(await runCli(["check", `${src}/`, remote]), 0);

  const reported = async () => {
    const r = await runCli(["check", "--json", `${src}/`, remote]);
    expectExit(r, 1);
    return (r.json as { differences: unknown[] }).differences;
  };
  run(["setfattr", "-n", "user.k", "-v", "5", join(module, "tree", "a.txt")]);
  expect(await reported()).toEqual([{ path: "a.txt", reason: "xattrs" }]);
  run(["setfattr", "-n", "user.k", "-v", "1", join(module, "tree", "a.txt")]);
  run(["setfacl", "-m", "u:nobody:r", join(module, "tree", "sub", "b.txt")]);
  expect(await reported()).toEqual([{ path: "sub/b.txt", reason: "acls" }]);
  run(["setfacl", "-b", join(module, "tree", "sub", "b.txt")]);
  run(["chmod", "600", join(module, "tree", "a.txt")]);
  expect(await reported()).toEqual([{ path: "a.txt", reason: "mode" }]);
});
