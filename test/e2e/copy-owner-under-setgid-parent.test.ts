// SPEC §3 fidelity, as root: owner and group come from the source even when the destination is
// created inside a setgid directory (whose group new entries would otherwise inherit).
import { expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const IS_ROOT = process.geteuid?.() === 0;

test.skipIf(!IS_ROOT)("files keep the source group under a setgid parent (needs root to chown)", async () => {
  using tmp = makeTempDir("setgid-parent");
  const src = join(tmp.path, "src");
  const shared = join(tmp.path, "shared");
  writeTree(src, { "a.txt": { content: "a", uid: 0, gid: 0 }, "sub/b.txt": { content: "b", uid: 1234, gid: 0 } });
  mkdirSync(shared);
  chownSync(shared, 0, 4321);
  chmodSync(shared, 0o2775);
  const r = await runCli(["copy", `${src}/`, join(shared, "dst")]);
  expectExit(r, 0);
  const owner = (p: string) => {
    const st = statSync(join(shared, "dst", p));
    return [st.uid, st.gid];
  };
  expect([owner("a.txt"), owner("sub/b.txt")]).toEqual([[0, 0], [1234, 0]]);
});
