// The RDMA adapter against this machine's real libibverbs.so.1 (Debian libibverbs1, installed by
// .ci/run): the kernel has no RDMA, so the library loads and lists no device, and RDMA is off with
// that reason; a library that cannot be loaded is "unavailable" too, never a crash.
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { loadVerbs, openRdma } from "../../src/adapters/rdma/index.ts";

const installed = ["/usr/lib/x86_64-linux-gnu/libibverbs.so.1", "/usr/lib/aarch64-linux-gnu/libibverbs.so.1"].some((p) => existsSync(p));
if (!installed) console.warn("rdma-real-library: skipped: libibverbs.so.1 is not installed (apt-get install libibverbs1)");
const hasRdmaDevices = existsSync("/sys/class/infiniband") && Bun.spawnSync(["ls", "/sys/class/infiniband"]).stdout.length > 0;

test.skipIf(!installed || hasRdmaDevices)("the real library loads, lists no device, and RDMA is off with that reason", () => {
  const loaded = loadVerbs();
  expect(loaded.verbs).not.toBeNull();
  expect(loaded.verbs!.deviceNames()).toEqual([]);
  expect(openRdma()).toMatchObject({ transport: null, devices: [], reason: "no RDMA device" });
});

test("a library that cannot be loaded means no RDMA, with the reason", () => {
  const probe = openRdma("/nonexistent/libibverbs.so.1");
  expect(probe.transport).toBeNull();
  expect(probe.reason).toContain("/nonexistent/libibverbs.so.1 cannot be loaded");
});
