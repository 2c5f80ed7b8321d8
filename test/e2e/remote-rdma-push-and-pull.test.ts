// SPEC §6 RDMA: when the CLI and the daemon both have an active RDMA port, push and pull move the
// file bytes over RDMA and the summary says transport "rdma". Both processes load the stand-in
// libibverbs.so.1 (test/fixtures/rdma/fake-ibverbs.c, built here with gcc) via BLIT_IBVERBS_PATH,
// so the adapter's bun:ffi calls, the negotiation and the data path run end to end.
// RDMA carries no TLS (SPEC §9: with TLS on, every data connection is TLS), so these daemons run
// plaintext and the CLI says --no-tls; a TLS daemon offers no RDMA (remote-trust-like-ssh.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { fakeIbverbsPath, fakeIbverbsUnavailable } from "../harness/fake-ibverbs.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

if (fakeIbverbsUnavailable !== null) console.warn(`remote-rdma-push-and-pull: skipped: ${fakeIbverbsUnavailable}`);

describe.skipIf(fakeIbverbsUnavailable !== null)("RDMA data plane", () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = makeTempDir("rdma-e2e");
    env = { BLIT_IBVERBS_PATH: fakeIbverbsPath() };
    mkdirSync(join(dir.path, "m"));
    writeTree(join(dir.path, "src"), { "a.txt": "a", "d/b.txt": "bb", "d/e/big.bin": randomBytes(3 << 20), "small/x": "x".repeat(5000) });
    daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } }, plaintext: true, launch: (argv) => ["env", `BLIT_IBVERBS_PATH=${env.BLIT_IBVERBS_PATH}`, ...argv] });
  }, 60_000);
  afterAll(async () => {
    await daemon.stop();
    dir[Symbol.dispose]();
  });

  test("push and pull of a tree go over RDMA", async () => {
    const remote = `127.0.0.1:${daemon.port}:/m/`;
    const push = await runCli(["copy", `${join(dir.path, "src")}/`, remote, "--json", "--no-tls"], { env });
    expectExit(push, 0);
    expect(push.json).toMatchObject({ transport: "rdma", files_transferred: 4, fallback_reason: null });
    expect(push.stderr).toBe("");
    expectTreesEqual(join(dir.path, "src"), join(dir.path, "m"));

    const pull = await runCli(["copy", remote, `${join(dir.path, "back")}/`, "--json", "--no-tls"], { env });
    expectExit(pull, 0);
    expect(pull.json).toMatchObject({ transport: "rdma", files_transferred: 4, fallback_reason: null });
    expectTreesEqual(join(dir.path, "src"), join(dir.path, "back"));
  }, 60_000);
});
