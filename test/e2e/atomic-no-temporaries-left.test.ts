// SPEC §3 "Atomic writes": files are written under a temporary name and renamed; after a run no
// `.blit-tmp-` name is left anywhere in the destination.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree } from "../harness/tree-compare.ts";

const temporaries = (root: string) => listTree(root).filter((p) => p.includes(".blit-tmp-"));

test.concurrent("copy, re-copy over changed files and mirror leave no temporaries", async () => {
  using tmp = makeTempDir("atomic");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  const files: Record<string, string | Uint8Array> = { "big.bin": randomBytes(3 * 1024 * 1024) };
  for (let i = 0; i < 40; i++) files[`d${i % 4}/f${i}.txt`] = `file ${i}`;
  writeTree(src, { ...files, "link": { symlink: "big.bin" } });
  const first = await runCli(["copy", `${src}/`, dst]);
  expectExit(first, 0);
  expect(temporaries(dst)).toEqual([]);

  writeTree(src, { "d0/f0.txt": "changed content", "big.bin": randomBytes(1024 * 1024) });
  writeTree(dst, { "extra/x.txt": "to delete" });
  const second = await runCli(["mirror", "--yes", `${src}/`, dst]);
  expectExit(second, 0);
  expect(temporaries(dst)).toEqual([]);
  expectTreesEqual(src, dst, { metadata: true });
});
