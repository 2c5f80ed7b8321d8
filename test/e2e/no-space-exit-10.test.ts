// SPEC §3 exit 10: no space left on the destination. The file being replaced keeps its old
// version (atomic writes) and no temporary is left behind.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { mountSmallFs, SMALL_FS } from "../harness/small-fs.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, listTree, snapshotTree } from "../harness/tree-compare.ts";

// Skipped only where a tmpfs cannot be mounted; the reason is SMALL_FS.reason.
describe.skipIf(!SMALL_FS.ok)(`full destination (${SMALL_FS.reason})`, () => {
  test.concurrent("a 4 MiB file onto a 1 MiB filesystem: exit 10, old version intact, no temporaries", async () => {
    using tmp = makeTempDir("no-space-src");
    await using small = mountSmallFs("no-space", "1m");
    const src = join(tmp.path, "src");
    const dst = join(small.path, "dst");
    writeTree(src, { "big.bin": { content: randomBytes(4 * 1024 * 1024), mtime: 1_700_000_000_000_000_000n } });
    writeTree(dst, { "big.bin": { content: randomBytes(200 * 1024), mtime: 1_600_000_000_000_000_000n } });
    const before = snapshotTree(dst);
    const r = await runCli(["copy", "--json", `${src}/`, dst]);
    expectExit(r, 10);
    expect(r.stderr).toMatch(/space/i);
    expect(r.json?.outcome).not.toBe("success");
    expect(listTree(small.path).filter((p) => p.includes(".blit-tmp-"))).toEqual([]);
    expectTreesEqual(before, dst, { metadata: true, ignoreRoot: true });
  });
});
