// A daemon module's LocalStore: a read-only one refuses every change itself; one that receives
// from clients stores client-made links marked (and shows them unmarked) and, unless it keeps
// owners, drops set-id bits.
import { lstatSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { LocalStore } from "../../../src/adapters/local/index.ts";
import type { EntryMeta } from "../../../src/domain/entry.ts";
import { isBlitError } from "../../../src/domain/errors.ts";
import { makeTempDir, writeTree } from "../../harness/temp-tree.ts";
import { expectTreesEqual, snapshotTree } from "../../harness/tree-compare.ts";

const meta = (kind: EntryMeta["kind"], extra: Partial<EntryMeta> = {}): EntryMeta => ({ kind, size: 0, mtimeNs: 1_600_000_000_000_000_000n, mode: 0o6755, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, ...extra });
const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (isBlitError(e) ? e.code : String(e)));

test("a read-only module store refuses writes, attribute changes and removals, and changes nothing", async () => {
  using dir = makeTempDir("ro-store");
  writeTree(dir.path, { "a.txt": "a", "d/b": "b" });
  const before = snapshotTree(dir.path);
  await using store = new LocalStore({ root: dir.path, cleanTemporaries: false, maxThreads: 1, readOnly: true });
  expect(await codeOf(store.write([{ path: "d/new", meta: meta("dir") }]))).toBe("READ_ONLY");
  expect(await codeOf(store.setMeta([{ path: "a.txt", meta: meta("file", { size: 1 }) }]))).toBe("READ_ONLY");
  expect(await codeOf(store.remove(["d"]))).toBe("READ_ONLY");
  expect((await store.stat("a.txt"))?.kind).toBe("file");
  expectTreesEqual(before, dir.path);
});

test("a store receiving from clients marks their links and drops set-id bits unless it keeps owners", async () => {
  using dir = makeTempDir("received-store");
  await using store = new LocalStore({ root: dir.path, cleanTemporaries: false, maxThreads: 1, received: { keepOwners: false, markLinks: true } });
  const results = await store.write([{ path: "d", meta: meta("dir") }, { path: "l", meta: meta("symlink", { linkTarget: "/" }) }]);
  expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
  await store.setMeta([{ path: "d", meta: meta("dir") }]);
  expect(lstatSync(join(dir.path, "d")).mode & 0o7777).toBe(0o755);
  expect(readlinkSync(join(dir.path, "l"))).toBe("/blit-munged//");
  expect((await store.stat("l"))?.linkTarget).toBe("/");
  expect((await store.list("")).entries.find((e) => e.name === "l")?.meta.linkTarget).toBe("/");
});
