// SPEC §5: a read-only module is never modified by any request. Every way a client could change it
// — push, mirror with deletions, --resume, move from it, `rm`, a delegated pull into it, and the
// requests a pull session may send but must not (write, write with a resume offset, set_meta,
// remove, sync) — is refused with READ_ONLY (exit 4 at the CLI), and afterwards the module is
// byte-identical, metadata included.
import { join } from "node:path";
import { expect, test } from "bun:test";
import { createSessionConnector } from "../../src/apps/compose.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { harnessTrust, startDaemon } from "../harness/daemon.ts";
import { runCli } from "../harness/run-cli.ts";
import { runUtils } from "../harness/run-utils.ts";
import { localStore, openSession } from "../harness/session-client.ts";
import { storeBytes } from "../../src/apps/engine/store-bytes.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

const BIG = new Uint8Array(3 << 20).map((_, i) => (i * 7) & 0xff);

const meta = (kind: EntryMeta["kind"], extra: Partial<EntryMeta> = {}): EntryMeta => ({ kind, size: 0, mtimeNs: 1_600_000_000_000_000_000n, mode: 0o777, uid: 0, gid: 0, ...extra });

const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? e.code : String(e)));

async function drain(events: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of events) void _;
}

test("no request changes a read-only module", async () => {
  using top = makeTempDir("read-only");
  const ro = join(top.path, "ro");
  writeTree(top.path, {
    "ro/a.txt": { content: "a", mode: 0o640, mtime: 1_500_000_000 },
    "ro/dir/b.txt": "b",
    "ro/dir/empty": { dir: true, mode: 0o750 },
    "ro/big.bin": BIG,
    "ro/link": { symlink: "a.txt" },
    "src/a.txt": "changed",
    "src/new.txt": "new",
    "src/big.bin": BIG.subarray(0, 2 << 20),
    "src/other/x": "x",
  });
  const before = snapshotTree(ro);
  await using source = await startDaemon({ modules: { s: { path: join(top.path, "src") } } });
  await using daemon = await startDaemon({ modules: { ro: { path: ro, readOnly: true } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } });
  const unchanged = (step: string) => {
    try {
      expectTreesEqual(before, ro, { metadata: true, symlinkMeta: true });
    } catch (e) {
      throw new Error(`after ${step}: ${(e as Error).message}`);
    }
  };
  const refused = async (step: string, args: string[], run = runCli) => {
    const r = await run(args);
    expect({ step, exit: r.exitCode, readOnly: /read-only/.test(r.stderr) }).toEqual({ step, exit: 4, readOnly: true });
    unchanged(step);
  };
  const src = join(top.path, "src");
  const here = join(top.path, "here");
  const ctl = daemon.control;

  await refused("a push", ["copy", `${src}/`, `${ctl}:/ro/`]);
  await refused("a push of one file", ["copy", `${src}/new.txt`, `${ctl}:/ro/dir/`]);
  await refused("a mirror with deletions", ["mirror", "--yes", `${src}/`, `${ctl}:/ro/`]);
  await refused("a --resume push", ["copy", "--resume", `${src}/big.bin`, `${ctl}:/ro/big.bin`]);
  await refused("a move from it", ["move", "--yes", `${ctl}:/ro/dir/`, `${here}/`]);
  await refused("rm", ["rm", "--yes", `${ctl}:/ro/dir`], runUtils);

  // A delegated pull into it, asked of the daemon directly (the CLI would relay from loopback).
  await using connector = await createSessionConnector(harnessTrust);
  const options = { verb: "mirror", compare: "ignore-times", ignoreExisting: false, filter: { rules: [], filesFrom: null, minSize: null, maxSize: null }, dryRun: false, maxDelete: null, resume: false, forceGrpcData: false } as const;
  const pull = { source: { host: source.host, port: source.port, target: { module: "s", path: "" }, contentsOnly: true }, destination: { target: { module: "ro", path: "" }, trailingSlash: true }, options };
  expect(await codeOf(drain(connector.delegatedPull({ host: daemon.host, port: daemon.port }, pull, new AbortController().signal)))).toBe("READ_ONLY");
  unchanged("a delegated pull");

  // Sessions that would write are refused when they open.
  expect(await codeOf(openSession(daemon, "ro", "push"))).toBe("READ_ONLY");
  expect(await codeOf(openSession(daemon, "ro", "pull", { move: true }))).toBe("READ_ONLY");
  unchanged("opening writing sessions");

  // A pull session reads, and is refused every change it asks for.
  await using session = await openSession(daemon, "ro", "pull");
  const s = session.store;
  const from = localStore(src);
  expect((await s.blockHashes("big.bin")).length).toBe(3);
  const writes = [
    s.write([{ path: "new.txt", meta: meta("file", { size: 3 }), bytes: storeBytes(from, "new.txt") }]),
    s.write([{ path: "big.bin", meta: meta("file", { size: 2 << 20 }), bytes: storeBytes(from, "big.bin"), resumeFrom: 1 << 20 }]),
    s.write([{ path: "dir/made", meta: meta("dir") }]),
    s.write([{ path: "link2", meta: meta("symlink", { linkTarget: "/" }) }]),
    s.setMeta([{ path: "a.txt", meta: meta("file", { size: 1 }) }]),
    s.setMeta([{ path: "", meta: meta("dir") }]),
    s.remove(["a.txt", "dir"]),
    s.remove(["dir/empty"], { onlyEmptyDirs: true }),
    s.sync(),
  ];
  expect(await Promise.all(writes.map(codeOf))).toEqual(Array(writes.length).fill("READ_ONLY"));
  unchanged("a pull session's writes");
  await from[Symbol.asyncDispose]();
});
