// SPEC §5 containment: whatever a client sends, a path that leaves its module (.., absolute, NUL,
// backslash) is PATH_ESCAPE on every RPC; the daemon refuses it at its containment check (an
// audit `refused … refusal=escape` line per call, never an executed call) and nothing outside the
// module changes; blit-utils refuses such a path with exit 4. Percent-encoded dots are ordinary
// names. A client of another protocol version gets PROTOCOL_MISMATCH.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil } from "../harness/process-probe.ts";
import { expectExit } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const ESCAPING = ["..", "../secret.txt", "a/../../secret.txt", "", "/etc", "a\0b", "..\\secret.txt"];
const VERBS = ["ls", "find", "du", "df", "rm", "complete"];

/** Every entry beside the module (names, sizes, modes, mtimes, contents): what must not change. */
function outsideModule(top: string): string[] {
  return readdirSync(top, { recursive: true, encoding: "utf8" })
    .filter((p) => p !== "mod" && !p.startsWith("mod/"))
    .sort()
    .map((p) => {
      const st = statSync(join(top, p));
      return `${p} ${st.size} ${st.mode.toString(8)} ${st.mtimeMs} ${st.isFile() ? readFileSync(join(top, p), "utf8") : "dir"}`;
    });
}

test("escaping paths are refused on every RPC at the containment check, nothing outside changes; encoded dots are names", async () => {
  using top = makeTempDir("escape");
  writeTree(top.path, { "secret.txt": "s", "outside/keep.txt": "k", "mod/%2e%2e/inside.txt": "i", "mod/a/b.txt": "b" });
  const before = outsideModule(top.path);
  await using daemon = await startDaemon({ modules: { m: { path: `${top.path}/mod` } } });
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const code = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? e.code : String(e)));
  const drain = async (it: AsyncIterable<unknown>) => {
    for await (const _ of it) void _;
  };
  const paths = ESCAPING.map((p) => (p === "" ? top.path : p));
  for (const path of paths) {
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
  // What the daemon did: one escape refusal per RPC and path, and no call carried out.
  const refusals = () => [...daemon.stderr().matchAll(/audit refused .*\bmodule=m verb=(\w+) refusal=escape\b/g)].map((m) => m[1]!);
  await pollUntil(() => (refusals().length >= paths.length * VERBS.length ? true : undefined), () => `${paths.length * VERBS.length} escape refusals in the log, saw ${refusals().length}`, 10_000);
  expect(VERBS.map((v) => [v, refusals().filter((r) => r === v).length])).toEqual(VERBS.map((v) => [v, paths.length]));
  expect(daemon.stderr()).not.toMatch(/audit call .*module=m/);
  expect(outsideModule(top.path)).toEqual(before);

  // blit-utils refuses the same paths with exit 4 and sends nothing for them.
  expectExit(await runUtils(["ls", `${daemon.control}:/m/../secret.txt`]), 4);
  expectExit(await runUtils(["rm", `${daemon.control}:/m/a/../../secret.txt`, "--yes"]), 4);
  expect(refusals().length).toBe(paths.length * VERBS.length);
  expect(outsideModule(top.path)).toEqual(before);

  const listing = await client.list({ module: "m", path: "%2e%2e" });
  expect(listing.entries.map((e) => e.name)).toEqual(["inside.txt"]);
  expect((await client.list({ module: "m", path: "a/../a" })).entries.map((e) => e.name)).toEqual(["b.txt"]);

  await using old = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls, protocolVersion: 1 });
  expect(await code(old.listModules())).toBe("PROTOCOL_MISMATCH");
}, 30_000);
