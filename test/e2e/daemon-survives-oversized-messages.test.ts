// SPEC §5: a message above the daemon's size limit fails that call only; the daemon keeps serving.
import { expect, test } from "bun:test";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

test("a 12 MiB request is refused; the next request is served", async () => {
  using dir = makeTempDir("oversize");
  await using daemon = await startDaemon({ modules: { m: { path: dir.path } } });
  await using big = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls, maxMessageBytes: 64 * 1024 * 1024 });
  const failure = await big.list({ module: "m", path: "x".repeat(12 * 1024 * 1024) }).then(
    () => "accepted",
    (e: unknown) => (isBlitError(e) ? "refused" : String(e)),
  );
  expect(failure).toBe("refused");
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  expect((await client.list({ module: "m", path: "" })).entries).toEqual([]);
}, 30_000);
