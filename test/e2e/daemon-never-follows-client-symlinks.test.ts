// SPEC §5: with use_chroot = false the daemon follows the symlinks the administrator placed in a
// module, never one a client created: a client that makes `evil -> /` and then names paths through
// it can neither read, write, create, chmod, list nor delete anything outside the module. Clients
// still see the link's target text as they sent it (stat, listings, a pull).
import { readlinkSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { expectExit, runCli } from "../harness/run-cli.ts";
import { localStore, openSession } from "../harness/session-client.ts";
import { storeBytes } from "../../src/apps/engine/store-bytes.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../harness/tree-compare.ts";

const meta = (kind: EntryMeta["kind"], extra: Partial<EntryMeta> = {}): EntryMeta => ({ kind, size: 0, mtimeNs: 1_700_000_000_000_000_000n, mode: 0o644, uid: 0, gid: 0, ...extra });

const failure = (p: Promise<unknown>): Promise<string> => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? e.code : String(e)));

test("a client-made symlink is never followed in a use_chroot = false module; an admin's link is", async () => {
  using top = makeTempDir("client-links");
  const mod = join(top.path, "mod");
  const outside = join(top.path, "outside");
  const shared = join(top.path, "shared");
  writeTree(top.path, { "mod/keep.txt": "k", "outside/secret": { content: "s", mode: 0o600 }, "outside/sub/deep": "d", "shared/doc.txt": "admin", "src/one": "1" });
  symlinkSync(shared, join(mod, "admin"));
  const before = snapshotTree(outside);
  await using daemon = await startDaemon({ modules: { m: { path: mod, useChroot: false } } });
  await using session = await openSession(daemon, "m", "push");
  const s = session.store;
  const src = localStore(join(top.path, "src"));

  const [made] = await s.write([{ path: "evil", meta: meta("symlink", { linkTarget: "/" }) }]);
  expect(made?.error).toBeUndefined();
  const via = `evil${outside}`;

  // Reading, listing, hashing, writing a file or a directory, changing attributes and removing
  // through it all find nothing; so do the admin API and sessions `blit` roots through it.
  await using control = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const opCode = async (p: Promise<readonly { readonly error?: { readonly code: string } }[]>) => (await p)[0]?.error?.code ?? "ok";
  const through = {
    stat: await s.stat(`${via}/secret`),
    read: await failure(new Response(s.read(`${via}/secret`)).arrayBuffer()),
    list: await failure(s.list(via)),
    listLink: await failure(s.list("evil")),
    hash: await failure(s.hash(`${via}/secret`)),
    writeFile: await opCode(s.write([{ path: `${via}/planted`, meta: meta("file", { size: 1 }), bytes: storeBytes(src, "one") }])),
    writeDir: await opCode(s.write([{ path: `${via}/newdir`, meta: meta("dir", { mode: 0o777 }) }])),
    chmod: await opCode(s.setMeta([{ path: `${via}/secret`, meta: meta("file", { size: 1, mode: 0o666 }) }])),
    adminList: await failure(control.list({ module: "m", path: via })),
    adminRm: await failure(control.purge({ module: "m", path: `${via}/sub` })),
    pullExit: (await runCli(["copy", `${daemon.control}:/m/${via}/secret`, `${top.path}/got/`])).exitCode,
    pushExit: (await runCli(["copy", `${top.path}/src/`, `${daemon.control}:/m/${via}/`])).exitCode,
  };
  expect(through).toEqual({
    stat: null,
    read: "NOT_FOUND",
    list: "NOT_FOUND",
    listLink: "NOT_FOUND",
    hash: "NOT_FOUND",
    writeFile: "NOT_FOUND",
    writeDir: "NOT_FOUND",
    chmod: "NOT_FOUND",
    adminList: "NOT_FOUND",
    adminRm: "NOT_FOUND",
    pullExit: 3,
    pushExit: 3,
  });
  // A removal through it finds nothing to remove (a missing entry counts as removed).
  await s.remove([`${via}/secret`, `${via}/sub`]);
  expectTreesEqual(before, outside);

  // The link shows the target the client sent, to a stat, a listing and a pull.
  expect((await s.stat("evil"))?.linkTarget).toBe("/");
  const listed = await control.list({ module: "m", path: "" });
  expect(listed.entries.find((e) => e.name === "evil")?.meta.linkTarget).toBe("/");
  const pulled = join(top.path, "pulled");
  expectExit(await runCli(["copy", `${daemon.control}:/m/`, `${pulled}/`]), 0);
  expect(readlinkSync(join(pulled, "evil"))).toBe("/");

  // The administrator's link is followed for reading and writing.
  expect((await s.stat("admin/doc.txt"))?.kind).toBe("file");
  expect(new TextDecoder().decode(await new Response(s.read("admin/doc.txt")).arrayBuffer())).toBe("admin");
  const [viaAdmin] = await s.write([{ path: "admin/new.txt", meta: meta("file", { size: 1 }), bytes: storeBytes(src, "one") }]);
  expect(viaAdmin?.error).toBeUndefined();
  expect(readFileSync(join(shared, "new.txt"), "utf8")).toBe("1");
  await src[Symbol.asyncDispose]();
});
