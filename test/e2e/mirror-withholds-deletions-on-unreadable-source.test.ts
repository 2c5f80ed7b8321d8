// SPEC §3 "Mirror safety": an unreadable source entry → zero deletions, a clear message, exit 8.
// Root reads any file, so blit runs as an unprivileged user on a tree handed over to it.
import { describe, expect, test } from "bun:test";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";
import { handOver, UNPRIVILEGED } from "../harness/unprivileged.ts";

// Skipped only when no unprivileged user can be had; the reason is UNPRIVILEGED.reason.
describe.skipIf(!UNPRIVILEGED.ok)(`unreadable source (${UNPRIVILEGED.reason})`, () => {
  test.concurrent("an unreadable file: exit 8, the rest lands, nothing deleted", async () => {
    using tmp = makeTempDir("mirror-unreadable-file");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    writeTree(src, { "ok.txt": "readable", "secret.txt": "unreadable" });
    writeTree(dst, { "extra.txt": "must survive", "old/inner.txt": "must survive" });
    handOver(tmp.path);
    chmodSync(join(src, "secret.txt"), 0o000);
    const r = await runCli(["mirror", "--yes", "--json", `${src}/`, dst], { asUser: UNPRIVILEGED.user });
    expectExit(r, 8);
    expect({ entries_deleted: r.json?.entries_deleted, files_failed: r.json?.files_failed, outcome: r.json?.outcome }).toEqual({
      entries_deleted: 0,
      files_failed: 1,
      outcome: "partial",
    });
    expect(listTree(dst)).toEqual(["extra.txt", "ok.txt", "old/", "old/inner.txt"]);
    expect(r.stderr).toContain("secret.txt");
  });

  test.concurrent("an unreadable directory: exit 8, nothing deleted", async () => {
    using tmp = makeTempDir("mirror-unreadable-dir");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    writeTree(src, { "ok.txt": "readable", "locked/inside.txt": "unlistable" });
    writeTree(dst, { "extra.txt": "must survive", "locked/inside.txt": "must survive", "locked/stale.txt": "must survive" });
    handOver(tmp.path);
    chmodSync(join(src, "locked"), 0o000);
    const r = await runCli(["mirror", "--yes", "--json", `${src}/`, dst], { asUser: UNPRIVILEGED.user });
    expectExit(r, 8);
    expect({ entries_deleted: r.json?.entries_deleted, outcome: r.json?.outcome }).toEqual({ entries_deleted: 0, outcome: "partial" });
    expect(listTree(dst)).toEqual(["extra.txt", "locked/", "locked/inside.txt", "locked/stale.txt", "ok.txt"]);
    expect(r.stderr).toContain("locked");
  });
});
