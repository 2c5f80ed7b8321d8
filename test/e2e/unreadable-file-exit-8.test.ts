// SPEC §3 exit 8: some entries failed, the rest landed. Root reads any file, so blit runs as an
// unprivileged user on a tree handed over to it.
import { describe, expect, test } from "bun:test";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";
import { handOver, UNPRIVILEGED } from "../harness/unprivileged.ts";

// Skipped only when no unprivileged user can be had; the reason is UNPRIVILEGED.reason.
describe.skipIf(!UNPRIVILEGED.ok)(`unreadable file (${UNPRIVILEGED.reason})`, () => {
  test.concurrent("copy with one unreadable file exits 8 and lands the others", async () => {
    using tmp = makeTempDir("copy-unreadable");
    const src = join(tmp.path, "src");
    const dst = join(tmp.path, "dst");
    writeTree(src, { "a.txt": "a", "sub/b.txt": "b", "secret.txt": "unreadable" });
    handOver(tmp.path);
    chmodSync(join(src, "secret.txt"), 0o000);
    const r = await runCli(["copy", "--json", `${src}/`, dst], { asUser: UNPRIVILEGED.user });
    expectExit(r, 8);
    const failures = r.json?.failures as { path: string; error: string }[] | undefined;
    expect({
      files_transferred: r.json?.files_transferred,
      files_failed: r.json?.files_failed,
      outcome: r.json?.outcome,
      failed_paths: failures?.map((f) => f.path),
    }).toEqual({ files_transferred: 2, files_failed: 1, outcome: "partial", failed_paths: ["secret.txt"] });
    expect(failures?.[0]?.error).toEqual(expect.any(String));
    expect(listTree(dst)).toEqual(["a.txt", "sub/", "sub/b.txt"]);
    expectTreesEqual(join(src, "sub"), join(dst, "sub"), { metadata: true });
    expect(r.stderr).toContain("secret.txt");
  });
});
