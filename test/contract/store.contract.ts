/**
 * The Store contract: every Store adapter runs this suite through a runner of its own
 * (test/contract/<tech>-store.test.ts). It states what the engine relies on.
 */
import { describe, expect } from "bun:test";
import type { EntryMeta } from "../../src/domain/entry.ts";
import { storeBytes } from "../../src/apps/engine/store-bytes.ts";
import { offers } from "../../src/domain/capability.ts";
import type { WholeRead, WholeReads } from "../../src/ports/store-capabilities.ts";
import type { Store } from "../../src/ports/store.ts";
import { withSkips, type Skips } from "./contract-skips.ts";

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

/** `skip`: the cases that cannot apply to this store (contract-skips.ts), each with its reason. */
export function describeStoreContract(name: string, makeFixture: () => Promise<StoreFixture>, options: { readonly skip?: Skips } = {}): void {
  describe(`${name} satisfies the Store contract`, () => {
    const test = withSkips(options.skip);
    test("stat of a missing path is null", async () => {
      await using f = await makeFixture();
      expect(await f.store.stat("nope")).toBeNull();
    });

    test("list of a missing directory throws NOT_FOUND", async () => {
      await using f = await makeFixture();
      // Settled before expect sees it: bun's `expect(promise).rejects` holds back socket I/O (a network store's reply) while it waits.
      const listed = await f.store.list("missing").then(() => "listed", (e: unknown) => e);
      expect(listed).toMatchObject({ code: "NOT_FOUND" });
    });

    test("write then read round-trips bytes, mode and mtime to the nanosecond", async () => {
      await using f = await makeFixture();
      const meta = { ...(await f.seedFile("a.txt", bytes("hello"))), mode: 0o640, mtimeNs: 1_500_000_000_987_654_321n };
      const [r] = await f.store.write([{ path: "a.txt", meta, bytes: storeBytes(f.source, "a.txt") }]);
      expect(r).toMatchObject({ path: "a.txt", bytes: 5 });
      expect(r?.error).toBeUndefined();
      expect(await readAll(f.store, "a.txt")).toBe("hello");
      const got = await f.store.stat("a.txt");
      expect({ kind: got?.kind, size: got?.size, mode: got?.mode, mtimeNs: got?.mtimeNs }).toEqual({ kind: "file", size: 5, mode: 0o640, mtimeNs: f.store.capabilities.nanosecondTimes ? meta.mtimeNs : got!.mtimeNs });
    });

    test("writing over an existing file replaces it whole and leaves no temporary", async () => {
      await using f = await makeFixture();
      const m1 = await f.seedFile("x", bytes("old content, longer"));
      await f.store.write([{ path: "x", meta: m1, bytes: storeBytes(f.source, "x") }]);
      const m2 = await f.seedFile("x", bytes("new"));
      const [r] = await f.store.write([{ path: "x", meta: m2, bytes: storeBytes(f.source, "x") }]);
      expect(r?.error).toBeUndefined();
      expect(await readAll(f.store, "x")).toBe("new");
      expect(await f.rawNames("")).toEqual(["x"]);
    });

    test("a failed write leaves the previous version and no temporary", async () => {
      await using f = await makeFixture();
      const m = await f.seedFile("keep", bytes("v1"));
      await f.store.write([{ path: "keep", meta: m, bytes: storeBytes(f.source, "keep") }]);
      const [r] = await f.store.write([{ path: "keep", meta: m, bytes: storeBytes(f.source, "vanished") }]);
      expect(r?.error?.code).toBe("NOT_FOUND");
      expect(await readAll(f.store, "keep")).toBe("v1");
      expect(await f.rawNames("")).toEqual(["keep"]);
    });

    test("one failure in a batch does not stop the others", async () => {
      await using f = await makeFixture();
      const m = await f.seedFile("ok", bytes("fine"));
      const results = await f.store.write([
        { path: "bad", meta: m, bytes: storeBytes(f.source, "missing") },
        { path: "ok", meta: m, bytes: storeBytes(f.source, "ok") },
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
      await f.store.write([{ path: "d", meta: META_DIR }, { path: "e", meta: META_DIR }, { path: "e/f", meta: m, bytes: storeBytes(f.source, "f") }]);
      const kept = await f.store.remove(["e"], { onlyEmptyDirs: true });
      expect(kept[0]?.error?.code).toBe("ALREADY_EXISTS");
      const gone = await f.store.remove(["d", "e"]);
      expect(gone.map((r) => r.error)).toEqual([undefined, undefined]);
      expect((await f.store.list("")).entries).toEqual([]);
    });

    test("equal content hashes equal, different content differs", async () => {
      await using f = await makeFixture();
      const m = await f.seedFile("a", bytes("same"));
      await f.store.write([{ path: "a", meta: m, bytes: storeBytes(f.source, "a") }]);
      const [h1, h2] = await Promise.all([f.store.hash("a"), f.source.hash("a")]);
      expect(h1.length).toBeGreaterThanOrEqual(16);
      expect(h1).toEqual(h2);
      await f.seedFile("a", bytes("diff"));
      expect(await f.source.hash("a")).not.toEqual(h1);
    });

    test("a batch of hundreds of files lands whole (worker threads once past the inline budget)", async () => {
      await using f = await makeFixture();
      const ops = [];
      for (let i = 0; i < 300; i++) ops.push({ path: `f${i}`, meta: await f.seedFile(`f${i}`, bytes(`content ${i}`)), bytes: storeBytes(f.source, `f${i}`) });
      const results = [...(await f.store.write(ops.slice(0, 150))), ...(await f.store.write(ops.slice(150)))];
      expect(results.filter((r) => r.error !== undefined)).toEqual([]);
      expect((await f.store.list("")).entries.length).toBe(300);
      expect(await readAll(f.store, "f299")).toBe("content 299");
    });

    test("readWhole, when offered, returns each small file whole, null for a larger one, an error for a missing one or a symlink", async () => {
      await using f = await makeFixture();
      const store = f.store;
      if (!offers<WholeReads>(store, "readWhole")) return;
      const big = new Uint8Array(5000).fill(7);
      const ops = [];
      for (const [path, content] of [["a", bytes("alpha")], ["empty", new Uint8Array()], ["big", big], ["z", bytes("zulu")]] as const) {
        ops.push({ path, meta: await f.seedFile(path, content), bytes: storeBytes(f.source, path) });
      }
      ops.push({ path: "link", meta: { ...META_DIR, kind: "symlink" as const, linkTarget: "a" } });
      await f.store.write(ops);
      // Twice past the inline budget: once inline, then through the worker threads.
      for (let round = 0; round < 2; round++) {
        const paths = round === 0 ? ["a", "empty", "big", "missing", "link", "z"] : Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? "a" : "z"));
        const got = await store.readWhole(paths, 4096);
        expect(got.length).toBe(paths.length);
        if (round === 1) {
          expect(got.every((r, i) => r !== null && "bytes" in r && new TextDecoder().decode(r.bytes) === (i % 2 === 0 ? "alpha" : "zulu"))).toBe(true);
          continue;
        }
        const text = (r: WholeRead | undefined) => (r != null && "bytes" in r ? new TextDecoder().decode(r.bytes) : r);
        const code = (r: WholeRead | undefined) => (r != null && "error" in r ? r.error.code : r);
        const [a, empty, tooBig, missing, link, z] = got;
        expect([text(a), text(empty), tooBig, code(missing), text(z)]).toEqual(["alpha", "", null, "NOT_FOUND", "zulu"]);
        expect(code(link)).toEqual(expect.any(String));
        expect(code(link)).not.toBe("NOT_FOUND");
      }
    });

    test("sync reports durability", async () => {
      await using f = await makeFixture();
      const r = await f.store.sync();
      expect(typeof r.durable).toBe("boolean");
    });
    test.checkSkips();
  });
}
