// SPEC §5: SIGTERM and SIGINT stop the daemon gracefully with exit 0.
import { expect, test } from "bun:test";
import { startDaemon } from "../harness/daemon.ts";

test.concurrent.each(["SIGTERM", "SIGINT"] as const)("%s: exit 0", async (signal) => {
  const daemon = await startDaemon();
  expect(await daemon.stop(signal)).toBe(0);
  expect(daemon.stderr()).toContain("stopped");
}, 30_000);
