// RDMA carries no TLS (SPEC §9), so a client that talks TLS (no --no-tls) never loads the verbs library to look
// for RDMA devices (src/apps/compose.ts: ~2 ms of every run's start). Observed with a library in place of
// libibverbs (BLIT_IBVERBS_PATH) whose constructor writes a marker file when anything loads it: a --no-tls run
// loads it (so the test can see a load), a TLS run does not, and both copy the tree.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

const NO_GCC = Bun.which("gcc") === null ? "gcc is not installed (.ci/run installs it)" : null;
if (NO_GCC !== null) console.warn(`tls-client-never-loads-verbs: skipped: ${NO_GCC}`);

describe.skipIf(NO_GCC !== null)("the verbs library and TLS clients", () => {
  let dir: TempDir;
  let tls: RunningDaemon;
  let plain: RunningDaemon;
  let library: string;

  beforeAll(async () => {
    dir = makeTempDir("verbs-marker");
    const source = join(dir.path, "marker.c");
    library = join(dir.path, "libmarker.so");
    writeFileSync(
      source,
      `#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
__attribute__((constructor)) static void loaded(void) {
  const char *path = getenv("MARKER_FILE");
  if (path == NULL) return;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) { write(fd, "loaded\\n", 7); close(fd); }
}
`,
    );
    const cc = Bun.spawnSync(["gcc", "-shared", "-fPIC", "-O2", "-o", library, source], { stderr: "pipe" });
    if (cc.exitCode !== 0) throw new Error(`gcc: ${cc.stderr.toString()}`);
    writeTree(join(dir.path, "src"), { "a.txt": "alpha\n", "d/b.txt": "beta\n" });
    mkdirSync(join(dir.path, "tls"));
    mkdirSync(join(dir.path, "plain"));
    tls = await startDaemon({ modules: { m: { path: join(dir.path, "tls") } } });
    plain = await startDaemon({ modules: { m: { path: join(dir.path, "plain") } }, plaintext: true });
  }, 60_000);
  afterAll(async () => {
    await tls.stop();
    await plain.stop();
    dir[Symbol.dispose]();
  });

  const copy = async (daemon: RunningDaemon, flags: string[], marker: string) => {
    const r = await runCli(["copy", ...flags, `${join(dir.path, "src")}/`, `127.0.0.1:${daemon.port}:/m/`], { env: { BLIT_IBVERBS_PATH: library, MARKER_FILE: marker } });
    expectExit(r, 0);
    return existsSync(marker) ? readFileSync(marker, "utf8") : null;
  };

  test("a --no-tls client looks for RDMA devices (the library is loaded)", async () => {
    expect(await copy(plain, ["--no-tls"], join(dir.path, "plain.marker"))).toBe("loaded\n");
    expectTreesEqual(join(dir.path, "src"), join(dir.path, "plain"));
  }, 60_000);

  test("a TLS client does not load it", async () => {
    expect(await copy(tls, [], join(dir.path, "tls.marker"))).toBeNull();
    expectTreesEqual(join(dir.path, "src"), join(dir.path, "tls"));
  }, 60_000);
});
