// SPEC §3 "Mirror safety" for live trees: a source entry that vanished between listing and reading
// is a warning naming it, not a failure — it is no longer in the source — so the run exits 0 and
// the mirror's other deletions go ahead; its destination copy is left as it was. (rsync exits 24
// "vanished source files" here.) Locally, pushed and pulled.
// The file is made to vanish at a known moment: with --checksum, a same-size file is hashed at both
// ends before it is sent; the test deletes the source file once a reader holds it open for the
// hash (256 MiB of zeros takes a while), so the copy that follows finds it gone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { allocatedFile, openFds, pollUntil } from "../harness/process-probe.ts";
import { BLIT, REPO_ROOT } from "../harness/run-cli.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";
import { listTree } from "../harness/tree-compare.ts";

const BIG = 256 << 20;

let tmp: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  tmp = makeTempDir("vanished");
  daemon = await startDaemon({ modules: { m: { path: tmp.path } } });
});
afterAll(async () => {
  await daemon.stop();
  tmp[Symbol.dispose]();
});

/** A file of BIG allocated zeros (not sparse: blit keeps holes); `mark` puts one byte 1 at its end (so the two hashes differ). */
function big(path: string, mark: boolean): void {
  allocatedFile(path, BIG);
  if (!mark) return;
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.from([1]), 0, 1, BIG - 1);
  closeSync(fd);
}

test.each(["local", "push", "pull"] as const)("%s: mirror exits 0, warns about the vanished file and still deletes the extraneous one", async (route) => {
  const src = join(tmp.path, `src-${route}`);
  const dst = join(tmp.path, `dst-${route}`);
  writeTree(src, { "keep.txt": "k" });
  writeTree(dst, { "extra.txt": "x" });
  big(join(src, "big.bin"), false);
  big(join(dst, "big.bin"), true);
  const from = route === "pull" ? `${daemon.control}:/m/src-${route}/` : `${src}/`;
  const to = route === "push" ? `${daemon.control}:/m/dst-${route}/` : `${dst}/`;
  const proc = Bun.spawn([BLIT, "mirror", "-y", "--checksum", from, to], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const stderr = new Response(proc.stderr).text();
  const reader = route === "pull" ? daemon.pid : proc.pid;
  const source = join(src, "big.bin");
  const seen = await pollUntil(() => (openFds(reader).includes(source) ? true : proc.exitCode !== null ? false : undefined), "the source file held open for its hash", 45_000);
  expect(seen).toBe(true);
  rmSync(source);
  const code = await proc.exited;
  expect({ code, warned: /big\.bin vanished from the source/.test(await stderr) }).toEqual({ code: 0, warned: true });
  expect(listTree(dst)).toEqual(["big.bin", "keep.txt"]);
  expect(readFileSync(join(dst, "big.bin")).at(-1)).toBe(1);
  expect(existsSync(join(dst, "extra.txt"))).toBe(false);
});
