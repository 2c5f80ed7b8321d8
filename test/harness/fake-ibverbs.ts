/**
 * Builds the stand-in libibverbs.so.1 (test/fixtures/rdma/fake-ibverbs.c) with gcc against the
 * real rdma-core headers, once per test process. `fakeIbverbsUnavailable` says why it cannot be
 * built here (then the tests that need it are skipped, naming the reason; .ci/run installs gcc
 * and libibverbs-dev so CI never skips).
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { removeAtRunEnd } from "./run-dirs.ts";

const SOURCE = resolve(import.meta.dir, "../fixtures/rdma/fake-ibverbs.c");
const HEADER = "/usr/include/infiniband/verbs.h";

export const fakeIbverbsUnavailable: string | null =
  process.platform !== "linux" ? "the stand-in verbs library is Linux-only" : Bun.which("gcc") === null ? "gcc is not installed" : !existsSync(HEADER) ? `${HEADER} is missing (apt-get install libibverbs-dev)` : null;

let built: string | null = null;

/** The path of the built stand-in library. */
export function fakeIbverbsPath(): string {
  if (built !== null) return built;
  const out = join(mkdtempSync(join(tmpdir(), "blit-fake-ibv-")), "libibverbs.so.1");
  removeAtRunEnd(dirname(out));
  const cc = Bun.spawnSync(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", out, SOURCE, "-lpthread"], { stderr: "pipe" });
  if (cc.exitCode !== 0) throw new Error(`gcc could not build the stand-in libibverbs: ${cc.stderr.toString()}`);
  built = out;
  return out;
}
