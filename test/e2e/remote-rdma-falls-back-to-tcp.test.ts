// SPEC §6 RDMA: without RDMA on both sides, or when an RDMA step fails before the first byte, the
// data goes over TCP with no warning. (1) The real libibverbs.so.1 of this machine (no RDMA in
// the kernel: no device) on both sides: TCP, no fallback reason. (2) Both sides load the stand-in
// library, but the client's RTR transition fails: TCP, and the summary's fallback_reason says why.
// RDMA carries no TLS (SPEC §9: with TLS on, every data connection is TLS), so these daemons run
// plaintext and the CLI says --no-tls; a TLS daemon offers no RDMA (remote-trust-like-ssh.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { fakeIbverbsPath, fakeIbverbsUnavailable } from "../harness/fake-ibverbs.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
beforeAll(() => {
  dir = makeTempDir("rdma-fallback");
  writeTree(join(dir.path, "src"), { "a.txt": "a", "d/b.txt": "bb" });
});
afterAll(() => dir[Symbol.dispose]());

async function pushTo(daemon: RunningDaemon, module: string, env: Record<string, string | undefined>) {
  const push = await runCli(["copy", `${join(dir.path, "src")}/`, `127.0.0.1:${daemon.port}:/${module}/`, "--json", "--no-tls"], { env });
  expectExit(push, 0);
  expect(push.stderr).toBe("");
  expectTreesEqual(join(dir.path, "src"), join(dir.path, module));
  rmSync(join(dir.path, module), { recursive: true });
  mkdirSync(join(dir.path, module));
  return push.json;
}

test("with this machine's libibverbs (no RDMA device) the data goes over TCP, silently", async () => {
  mkdirSync(join(dir.path, "plain"));
  await using daemon = await startDaemon({ modules: { plain: { path: join(dir.path, "plain") } }, plaintext: true, launch: (argv) => ["env", "-u", "BLIT_IBVERBS_PATH", ...argv] });
  for (let i = 0; i < 400 && !daemon.stderr().includes("RDMA data plane"); i++) await Bun.sleep(25);
  expect(daemon.stderr()).toContain("RDMA data plane off (no RDMA device): TCP only");
  expect(await pushTo(daemon, "plain", { BLIT_IBVERBS_PATH: undefined })).toMatchObject({ transport: "tcp", fallback_reason: null, files_transferred: 2 });
}, 60_000);

describe.skipIf(fakeIbverbsUnavailable !== null)("with the stand-in library", () => {
  test("an RDMA connection that fails before the first byte falls back to TCP; the summary says why", async () => {
    mkdirSync(join(dir.path, "fails"));
    const lib = fakeIbverbsPath();
    await using daemon = await startDaemon({ modules: { fails: { path: join(dir.path, "fails") } }, plaintext: true, launch: (argv) => ["env", `BLIT_IBVERBS_PATH=${lib}`, ...argv] });
    const summary = await pushTo(daemon, "fails", { BLIT_IBVERBS_PATH: lib, BLIT_FAKE_IBV_FAIL_RTR: "1" });
    expect(summary).toMatchObject({ transport: "tcp", files_transferred: 2 });
    expect(String(summary?.fallback_reason)).toMatch(/^RDMA to 127\.0\.0\.1:\d+ failed \(ibv_modify_qp\(→RTR\) failed \(errno 101\)\); the data went over TCP$/);
  }, 60_000);
});
