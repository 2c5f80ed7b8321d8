// SPEC §5: no filesystem call that can block for long runs on the daemon's event loop. A module
// holding a directory on a filesystem that never answers (a hung NFS server, here a FUSE mount
// nobody serves), and a second module whose root itself froze: a du and ls calls that reach them
// wait, while another client's ls of the rest of the first module is answered within a second.
import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { startDaemon } from "../harness/daemon.ts";
import { FROZEN_FS, mountFrozenFs } from "../harness/frozen-fs.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const LS_DEADLINE_MS = 1000;

async function within<T>(call: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

// Skipped only where a FUSE filesystem cannot be mounted; the reason is FROZEN_FS.reason.
test.skipIf(!FROZEN_FS.ok)(`du and ls into a frozen filesystem do not stall ls elsewhere (${FROZEN_FS.reason})`, async () => {
  using tmp = makeTempDir("frozen-fs");
  const root = join(tmp.path, "m");
  writeTree(root, { "ok/a.txt": "a", "ok/b.txt": "b" });
  mkdirSync(join(root, "frozen"));
  const zRoot = join(tmp.path, "z");
  mkdirSync(zRoot);
  await using daemon = await startDaemon({ modules: { m: { path: root }, z: { path: zRoot } } });
  const stuck = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const other = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const cancel = new AbortController();
  try {
    // Warm: the daemon has served this module before the filesystem froze.
    expect((await other.list({ module: "m", path: "ok" })).entries.map((e) => e.name)).toEqual(["a.txt", "b.txt"]);
    expect((await other.list({ module: "z", path: "" })).entries).toEqual([]);
    {
      using _frozen = mountFrozenFs(join(root, "frozen"));
      using _frozenRoot = mountFrozenFs(zRoot);
      const lsRoot = [1, 2, 3].map(() => stuck.list({ module: "z", path: "" }, cancel.signal).catch(() => "ended"));
      const du = (async () => {
        for await (const _row of stuck.diskUsage({ target: { module: "m", path: "" }, maxDepth: 1 }, cancel.signal));
      })().catch(() => "ended");
      const ls = stuck.list({ module: "m", path: "" }, cancel.signal).catch(() => "ended");
      for (let i = 0; i < 5; i++) {
        const listing = await within(other.list({ module: "m", path: "ok" }), LS_DEADLINE_MS, `ls ${i + 1} during the frozen du`);
        expect(listing.entries.map((e) => e.name)).toEqual(["a.txt", "b.txt"]);
        expect((await within(other.ping(), LS_DEADLINE_MS, `ping ${i + 1}`)).version).toBeString();
      }
      cancel.abort();
      void du;
      void ls;
      void lsRoot;
    }
    // The mount is gone: the module is served whole again.
    expect((await within(other.list({ module: "m", path: "" }), 20_000, "ls after the thaw")).entries.map((e) => e.name)).toEqual(["frozen", "ok"]);
  } finally {
    cancel.abort();
    await stuck[Symbol.asyncDispose]();
    await other[Symbol.asyncDispose]();
  }
}, 60_000);
