// SPEC §3 "Atomic writes" and §6: kill -9 of the daemon while a pull is writing a large file (its
// bytes spliced from the data connection into the temporary) fails the client without hanging and
// leaves neither a temporary nor a torn file in the destination. The run is interrupted as a whole:
// exit 7 (retryable), as when the daemon dies mid-push.
import { expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { BLIT, REPO_ROOT } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const SIZE = 96 << 20; // allocated zeros in the module, written for real at the destination

test("kill -9 of the daemon mid-pull: the client fails, no temporary, no torn file", async () => {
  using dir = makeTempDir("remote-daemon-kill-pull");
  const mod = join(dir.path, "mod");
  const dst = join(dir.path, "dst");
  bigTree(mod, SIZE);
  const daemon = await startDaemon({ modules: { m: { path: mod } } });
  const pull = Bun.spawn([BLIT, "copy", `${daemon.control}:/m/`, `${dst}/`], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "ignore" });
  const seen = await pollUntil(() => (temporariesUnder(dst).length > 0 ? true : pull.exitCode !== null ? false : undefined), "a temporary in the destination", 30_000);
  expect(seen).toBe(true);
  expect(await daemon.stop("SIGKILL")).not.toBe(0);
  expect(await pull.exited).toBe(7);
  expect(temporariesUnder(dst)).toEqual([]);
  if (existsSync(join(dst, "big.bin"))) expect(statSync(join(dst, "big.bin")).size).toBe(SIZE);
}, 60_000);
