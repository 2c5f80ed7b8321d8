// SPEC §5 containment: whatever a client sends, a path that leaves its module (.., absolute, NUL,
// backslash) is PATH_ESCAPE (exit 4) and nothing outside the module is read; percent-encoded
// dots are ordinary names. A client of another protocol version gets PROTOCOL_MISMATCH.
import { expect, test } from "bun:test";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { EXIT_CODE } from "../../src/domain/exit-codes.ts";
import { startDaemon } from "../harness/daemon.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

test("escaping paths are refused on every RPC; encoded dots are names", async () => {
  using top = makeTempDir("escape");
  writeTree(top.path, { "secret.txt": "s", "mod/%2e%2e/inside.txt": "i", "mod/a/b.txt": "b" });
  await using daemon = await startDaemon({ modules: { m: { path: `${top.path}/mod` } } });
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const code = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? e.code : String(e)));
  const drain = async (it: AsyncIterable<unknown>) => {
    for await (const _ of it) void _;
  };
  for (const path of ["..", "../secret.txt", "a/../../secret.txt", top.path, "/etc", "a\0b", "..\\secret.txt"]) {
    const target = { module: "m", path };
    expect({
      path,
      codes: [
        await code(client.list(target)),
        await code(drain(client.find({ target, pattern: "", kind: "any", limit: 0 }))),
        await code(drain(client.diskUsage({ target, maxDepth: 1 }))),
        await code(client.filesystemStats(target)),
        await code(client.purge(target)),
        await code(client.completePath({ module: "m", completeModules: false, prefix: `${path}/`, dirsOnly: false, limit: 0 })),
      ],
    }).toEqual({ path, codes: Array(6).fill("PATH_ESCAPE") });
  }
  expect(EXIT_CODE.PATH_ESCAPE).toBe(4);
  const listing = await client.list({ module: "m", path: "%2e%2e" });
  expect(listing.entries.map((e) => e.name)).toEqual(["inside.txt"]);
  expect((await client.list({ module: "m", path: "a/../a" })).entries.map((e) => e.name)).toEqual(["b.txt"]);

  await using old = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls, protocolVersion: 1 });
  expect(await code(old.listModules())).toBe("PROTOCOL_MISMATCH");
}, 30_000);
