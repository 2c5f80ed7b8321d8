// SPEC §6 / issue 4: large files on the TCP data plane go by sendfile (push from the CLI, pull
// from the daemon), arrive byte-exact, and the --json summary counts them in zero_copy_bytes;
// small files keep the buffered path, and the gRPC fallback reports no zero-copy bytes. Zero-copy
// exists only without TLS (SPEC §9), so this daemon runs plaintext and the CLI says --no-tls.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon, type RunningDaemon } from "../harness/daemon.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";
import { makeTempDir, writeTree, type TempDir } from "../harness/temp-tree.ts";

const ODD = 5 * 1024 * 1024 + 1;
const HUGE = 64 * 1024 * 1024;
const linux = process.platform === "linux";

let dir: TempDir;
let daemon: RunningDaemon;

beforeAll(async () => {
  dir = makeTempDir("zero-copy");
  for (const d of ["m", "back", "grpc", "small"]) mkdirSync(join(dir.path, d));
  writeTree(join(dir.path, "src"), { "odd.bin": randomBytes(ODD), "huge.bin": randomBytes(HUGE), "small/a.txt": "a", "small/b.bin": randomBytes(200_000) });
  daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") }, grpc: { path: join(dir.path, "grpc") }, small: { path: join(dir.path, "small") } }, plaintext: true });
}, 60_000);
afterAll(async () => {
  await daemon.stop();
  dir[Symbol.dispose]();
});

const sameBytes = (a: string, b: string) => expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);

test.skipIf(!linux)("push then pull of a 5 MiB+1 and a 64 MiB file are byte-exact and counted as zero-copy", async () => {
  const src = join(dir.path, "src");
  const push = await runCli(["copy", `${src}/`, `${daemon.control}:/m/`, "--json", "--no-tls"]);
  expectExit(push, 0);
  expect(push.json).toMatchObject({ transport: "tcp", files_transferred: 4 });
  // Both big files went by sendfile; the small ones did not.
  expect(push.json?.zero_copy_bytes).toBe(ODD + HUGE);
  sameBytes(join(src, "odd.bin"), join(dir.path, "m", "odd.bin"));
  sameBytes(join(src, "huge.bin"), join(dir.path, "m", "huge.bin"));

  const pull = await runCli(["copy", `${daemon.control}:/m/`, `${join(dir.path, "back")}/`, "--json", "--no-tls"]);
  expectExit(pull, 0);
  expect(pull.json).toMatchObject({ transport: "tcp", files_transferred: 4, zero_copy_bytes: ODD + HUGE });
  expectTreesEqual(src, join(dir.path, "back"), { metadata: true });
  sameBytes(join(src, "huge.bin"), join(dir.path, "back", "huge.bin"));
}, 120_000);

test("small files keep the buffered path: zero_copy_bytes is 0", async () => {
  const small = join(dir.path, "src", "small");
  const push = await runCli(["copy", `${small}/`, `${daemon.control}:/small/`, "--json", "--no-tls"]);
  expectExit(push, 0);
  expect(push.json).toMatchObject({ transport: "tcp", files_transferred: 2, zero_copy_bytes: 0 });
  expectTreesEqual(small, join(dir.path, "small"));
}, 60_000);

test("--force-grpc-data carries the same big file with zero_copy_bytes 0", async () => {
  const src = join(dir.path, "src");
  const push = await runCli(["copy", join(src, "odd.bin"), `${daemon.control}:/grpc/odd.bin`, "--json", "--force-grpc-data", "--no-tls"]);
  expectExit(push, 0);
  expect(push.json).toMatchObject({ transport: "grpc", files_transferred: 1, zero_copy_bytes: 0 });
  sameBytes(join(src, "odd.bin"), join(dir.path, "grpc", "odd.bin"));
  const pull = await runCli(["copy", `${daemon.control}:/grpc/odd.bin`, join(dir.path, "grpc-back.bin"), "--json", "--force-grpc-data", "--no-tls"]);
  expectExit(pull, 0);
  expect(pull.json).toMatchObject({ transport: "grpc", files_transferred: 1, zero_copy_bytes: 0 });
  sameBytes(join(src, "odd.bin"), join(dir.path, "grpc-back.bin"));
}, 60_000);
