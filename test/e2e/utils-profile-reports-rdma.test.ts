// SPEC §1/§8: `blit-utils profile` reports this machine's RDMA ports and their link rates, or why
// there are none. The stand-in libibverbs (BLIT_IBVERBS_PATH) has one active 4x EDR RoCE port; the
// machine's own library has no device.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { fakeIbverbsPath, fakeIbverbsUnavailable } from "../harness/fake-ibverbs.ts";
import { expectExit } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
beforeAll(() => void (dir = makeTempDir("profile-rdma")));
afterAll(() => dir[Symbol.dispose]());

test.skipIf(fakeIbverbsUnavailable !== null)("profile lists each RDMA port with its link layer, state, rate and MTU", async () => {
  const env = { BLIT_DISABLE_LOCAL_TELEMETRY: "1", BLIT_IBVERBS_PATH: fakeIbverbsPath() };
  const json = await runUtils(["profile", dir.path, "--json"], { env });
  expectExit(json, 0);
  expect(json.json?.rdma).toEqual({ devices: [{ name: "blitfake0", port: 1, link_layer: "Ethernet", active: true, gbps: 100, mtu: 4096 }], used: true, reason: null });
  const text = await runUtils(["profile", dir.path], { env });
  expect(text.stdout).toContain("rdma blitfake0 port 1  Ethernet, active, 100 Gbit/s, MTU 4096");
}, 60_000);

test("when libibverbs cannot be loaded, profile says why and that the data plane uses TCP", async () => {
  const env = { BLIT_DISABLE_LOCAL_TELEMETRY: "1", BLIT_IBVERBS_PATH: "/nonexistent/libibverbs.so.1" };
  const text = await runUtils(["profile", dir.path], { env });
  expectExit(text, 0);
  expect(text.stdout).toMatch(/rdma {16}none \(\/nonexistent\/libibverbs\.so\.1 cannot be loaded .*\): the data plane uses TCP/);
}, 60_000);
