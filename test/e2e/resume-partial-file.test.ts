// SPEC §3 `--resume`: a partial destination file continues from its first differing block.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

const SIZE = 3 * 1024 * 1024;

test.concurrent("half a file plus garbage becomes the source file, without resending the shared part", async () => {
  using tmp = makeTempDir("resume");
  const src = join(tmp.path, "src");
  const dst = join(tmp.path, "dst");
  const data = randomBytes(SIZE);
  const partial = new Uint8Array(SIZE / 2 + 100_000);
  partial.set(data.subarray(0, SIZE / 2));
  partial.set(randomBytes(100_000), SIZE / 2);
  writeTree(src, { "big.bin": { content: data, mtime: 1_700_000_000_000_000_000n } });
  writeTree(dst, { "big.bin": { content: partial, mtime: 1_690_000_000_000_000_000n } });
  const r = await runCli(["copy", "--resume", "--json", `${src}/`, dst]);
  expectExit(r, 0);
  expectTreesEqual(src, dst, { metadata: true, ignoreRoot: true });
  expect({ files_transferred: r.json?.files_transferred, resent_less_than_all: Number(r.json?.bytes_transferred) < SIZE }).toEqual({
    files_transferred: 1,
    resent_less_than_all: true,
  });
});
