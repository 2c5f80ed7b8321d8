/**
 * The Store contract: every Store adapter runs this suite through a runner of its own
 * (test/contract/<tech>-store.test.ts). It states what the engine relies on.
 */
import { describe, expect, test } from "bun:test";
import type { EntryMeta } from "../../src/domain/entry.ts";
import type { Store } from "../../src/ports/store.ts";

export interface StoreFixture extends AsyncDisposable {
  /** The store under test (a destination). */
  readonly store: Store;
  /** A store the adapter can copy from. */
  readonly source: Store;
  /** Creates a file in `source` with `bytes`, returning its metadata. */
  seedFile(path: string, bytes: Uint8Array): Promise<EntryMeta>;
  /** Names present in a directory of `store`, temporaries included (raw view). */
  rawNames(dir: string): Promise<string[]>;
}

const META_DIR: EntryMeta = { kind: "dir", size: 0, mtimeNs: 1_600_000_000_123_456_789n, mode: 0o750, uid: 0, gid: 0 };
const bytes = (s: string) => new TextEncoder().encode(s);

async function readAll(store: Store, path: string): Promise<string> {
  return new Response(store.read(path)).text();
}

export function describeStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`${name} satisfies the Store contract`, () => {
    test("stat of a missing path is null", async () => {
      await using f = await makeFixture();
      expect(await f.store.stat("nope")).toBeNull();
    });

    test("list of a missing directory throws NOT_FOUND", async () => {
      await using f = await makeFixture();
      await expect(f.store.list("missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    test("write then read round-trips bytes, mode and mtime to the nanosecond", async () => {
      await using f = await makeFixture();
      const meta = { ...(await f.seedFile("a.txt", bytes("hello"))), mode: 0o640, mtimeNs: 1_500_000_000_987_654_321n };
      const [r] = await f.store.write([{ path: "a.txt", meta, source: { store: f.source, path: "a.txt" } }]);
      expect(r).toMatchObject({ path: "a.txt", bytes: 5 });
      expect(r?.error).toBeUndefined();
      expect(await readAll(f.store, "a.txt")).toBe("hello");
      const got = await f.store.stat("a.txt");
      expect({ kind: got?.kind, size: got?.size, mode: got?.mode, mtimeNs: got?.mtimeNs }).toEqual({ kind: "file", size: 5, mode: 0o640, mtimeNs: f.store.capabilities.nanosecondTimes ? meta.mtimeNs : got!.mtimeNs });
    });

    test("writing over an existing file replaces it whole and leaves no temporary", async () => {
      await using f = await makeFixture();
      const m1 = await f.seedFile("x", bytes("old content, longer"));
      await f.store.write([{ path: "x", meta: m1, source: { store: f.source, path: "x" } }]);
      const m2 = await f.seedFile("x", bytes("new"));
      const [r] = await f.store.write([{ path: "x", meta: m2, source: { store: f.source, path: "x" } }]);
      expect(r?.error).toBeUndefined();
      expect(await readAll(f.store, "x")).toBe("new");
      expect(await f.rawNames("")).toEqual(["x"]);
    });

    test("a failed write leaves the previous version and no temporary", async () => {
      await using f = await makeFixture();
      const m = await f.seedFile("keep", bytes("v1"));
      await f.store.write([{ path: "keep", meta: m, source: { store: f.source, path: "keep" } }]);
      const [r] = await f.store.write([{ path: "keep", meta: m, source: { store: f.source, path: "vanished" } }]);
      expect(r?.error?.code).toBe("NOT_FOUND");
      expect(await readAll(f.store, "keep")).toBe("v1");
      expect(await f.rawNames("")).toEqual(["keep"]);
    });

    test("one failure in a batch does not stop the others", async () => {
      await using f = await makeFixture();
      const m = await f.seedFile("ok", bytes("fine"));
      const results = await f.store.write([
        { path: "bad", meta: m, source: { store: f.source, path: "missing" } },
        { path: "ok", meta: m, source: { store: f.source, path: "ok" } },
      ]);
      expect(results.map((r) => [r.path, r.error?.code ?? null])).toEqual([["bad", "NOT_FOUND"], ["ok", null]]);
    });

    test("directories and symlinks are created; symlinks keep their target text", async () => {
      await using f = await makeFixture();
      const link: EntryMeta = { kind: "symlink", size: 0, mtimeNs: 1_000_000_000n, mode: 0o777, uid: 0, gid: 0, linkTarget: "../nowhere" };
      const results = await f.store.write([{ path: "d", meta: META_DIR }, { path: "d/l", meta: link }]);
      expect(results.every((r) => r.error === undefined)).toBe(true);
      const listed = await f.store.list("d");
      expect(listed.entries.map((e) => [e.name, e.meta.kind, e.meta.linkTarget])).toEqual([["l", "symlink", "../nowhere"]]);
    });

    test("setMeta applies directory mode and mtime", async () => {
      await using f = await makeFixture();
      await f.store.write([{ path: "d", meta: META_DIR }]);
      const [r] = await f.store.setMeta([{ path: "d", meta: META_DIR }]);
      expect(r?.error).toBeUndefined();
      const got = await f.store.stat("d");
      expect([got?.kind, got?.mode, got?.mtimeNs]).toEqual(["dir", 0o750, META_DIR.mtimeNs]);
    });

    test("remove deletes trees, and with onlyEmptyDirs keeps a non-empty directory", async () => {
      await using f = await makeFixture();
      const m = await f.seedFile("f", bytes("1"));
      await f.store.write([{ path: "d", meta: META_DIR }, { path: "e", meta: META_DIR }, { path: "e/f", meta: m, source: { store: f.source, path: "f" } }]);
      const kept = await f.store.remove(["e"], { onlyEmptyDirs: true });
      expect(kept[0]?.error?.code).toBe("ALREADY_EXISTS");
      const gone = await f.store.remove(["d", "e"]);
      expect(gone.map((r) => r.error)).toEqual([undefined, undefined]);
      expect((await f.store.list("")).entries).toEqual([]);
    });

    test("equal content hashes equal, different content differs", async () => {
      await using f = await makeFixture();
      const m = await f.seedFile("a", bytes("same"));
      await f.store.write([{ path: "a", meta: m, source: { store: f.source, path: "a" } }]);
      const [h1, h2] = await Promise.all([f.store.hash("a"), f.source.hash("a")]);
      expect(h1.length).toBeGreaterThanOrEqual(16);
      expect(h1).toEqual(h2);
      await f.seedFile("a", bytes("diff"));
      expect(await f.source.hash("a")).not.toEqual(h1);
    });

    test("a batch of hundreds of files lands whole (worker threads once past the inline budget)", async () => {
      await using f = await makeFixture();
      const ops = [];
      for (let i = 0; i < 300; i++) ops.push({ path: `f${i}`, meta: await f.seedFile(`f${i}`, bytes(`content ${i}`)), source: { store: f.source, path: `f${i}` } });
      const results = [...(await f.store.write(ops.slice(0, 150))), ...(await f.store.write(ops.slice(150)))];
      expect(results.filter((r) => r.error !== undefined)).toEqual([]);
      expect((await f.store.list("")).entries.length).toBe(300);
      expect(await readAll(f.store, "f299")).toBe("content 299");
    });

    test("sync reports durability", async () => {
      await using f = await makeFixture();
      const r = await f.store.sync();
      expect(typeof r.durable).toBe("boolean");
    });
  });
}
