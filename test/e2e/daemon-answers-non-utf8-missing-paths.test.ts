// SPEC §3 (names are bytes) and §5: a missing path whose bytes are not UTF-8 (Latin-1 "caf\xe9")
// gets a normal NOT_FOUND answer from List, Find, DiskUsage, FilesystemStats and Purge, the name
// shown escaped (\xe9) in the message; inside a transfer session stat answers "absent", list and
// read answer NOT_FOUND, and the session keeps serving; such a path that leaves the module is
// PATH_ESCAPE naming it, not INTERNAL. An existing non-UTF-8 name is listed as its exact bytes.
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { openSession } from "../harness/session-client.ts";
import { makeTempDir, rawPath, writeTree } from "../harness/temp-tree.ts";

/** "caf" + the single byte 0xe9, in blit's lossless string form of name bytes. */
const LATIN1 = "caf\udce9";
/** How long an answer may take before the call counts as never answered. */
const ANSWER_WITHIN_MS = 10_000;

/** The call's outcome as "ok" or its error code and message; "unanswered" after ANSWER_WITHIN_MS. */
async function outcome(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<{ code: string; message: string }>((resolve) => {
    timer = setTimeout(() => resolve({ code: "unanswered", message: "" }), ANSWER_WITHIN_MS);
  });
  const answered = run().then(
    () => ({ code: "ok", message: "" }),
    (e: unknown) => (isBlitError(e) ? { code: e.code, message: e.message } : { code: "not a BlitError", message: String(e) }),
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

const drain = async (it: AsyncIterable<unknown>) => {
  for await (const _ of it) void _;
};

test("admin calls and session requests answer a missing non-UTF-8 path with NOT_FOUND", async () => {
  using dir = makeTempDir("non-utf8");
  writeTree(dir.path, { "m/here.txt": "h" });
  writeFileSync(rawPath(join(dir.path, "m"), Buffer.from([0x6e, 0xe9])), "latin-1 name");
  await using daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  await using client = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  for (const path of [LATIN1, `sub/${LATIN1}/deeper`]) {
    const target = { module: "m", path };
    const calls: Record<string, () => Promise<unknown>> = {
      list: () => client.list(target),
      find: () => drain(client.find({ target, pattern: "", kind: "any", limit: 0 })),
      diskUsage: () => drain(client.diskUsage({ target, maxDepth: 1 })),
      filesystemStats: () => client.filesystemStats(target),
      purge: () => client.purge(target),
    };
    for (const [call, run] of Object.entries(calls)) {
      const r = await outcome(run);
      expect({ call, path, code: r.code }).toEqual({ call, path, code: "NOT_FOUND" });
      expect(r.message).toContain("caf\\xe9");
    }
  }
  expect(await client.completePath({ module: "m", completeModules: false, prefix: `${LATIN1}/`, dirsOnly: false, limit: 0 })).toEqual([]);
  expect((await client.list({ module: "m", path: "" })).entries.map((e) => e.name).sort()).toEqual(["here.txt", "n\udce9"]);

  await using session = await openSession(daemon, "m", "pull");
  const peer = session.store;
  expect(await peer.stat(LATIN1)).toBeNull();
  for (const [call, run] of Object.entries({ list: () => peer.list(LATIN1), read: () => new Response(peer.read(LATIN1)).bytes() })) {
    const r = await outcome(run);
    expect({ call, code: r.code }).toEqual({ call, code: "NOT_FOUND" });
    expect(r.message).toContain("caf\\xe9");
  }
  expect((await peer.list("")).entries.map((e) => e.name).sort()).toEqual(["here.txt", "n\udce9"]);

  // A path that leaves the module is refused by name (PATH_ESCAPE, escaped), not INTERNAL.
  await using second = await openSession(daemon, "m", "pull");
  const hostile = second.store;
  const escape = await outcome(() => hostile.list(`../${LATIN1}`));
  expect(escape.code).toBe("PATH_ESCAPE");
  expect(escape.message).toContain("../caf\\xe9");
}, 120_000);
