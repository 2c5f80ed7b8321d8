/**
 * The Store contract, safety half: the promises of the Store TSDoc (src/ports/store.ts) that
 * store.contract.ts leaves out — containment, never following symlinks, NOT_FOUND and
 * PERMISSION_DENIED, atomic writes under cancellation and failure, stale temporaries, BlitError
 * codes. Every Store adapter runs it through a runner of its own (test/contract/<tech>-store-safety.test.ts).
 * Every file is written through store-fixture.ts.
 */
import { describe, expect } from "bun:test";
import { BlitError } from "../../src/domain/errors.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";
import type { Store } from "../../src/ports/store.ts";
import { fileMeta, Gate, outcomeCode, putFile, putStream } from "./store-fixture.ts";
import { withSkips, type Skips } from "./contract-skips.ts";

export interface SafetyFixture extends AsyncDisposable {
  /** The store under test, rooted at an empty directory. */
  readonly store: Store;
  /** Names present in directory `dir` of the store's tree, temporaries included (raw view). */
  rawNames(dir: string): Promise<string[]>;
  /** Makes a symlink at `path` of the tree whose target text is `target`. */
  symlink(path: string, target: string): Promise<void>;
  /**
   * A directory beside the store's root (reached from the root as `../outside`) holding one file,
   * `secret`, with text "secret" and mode 0o644; `path` is its absolute path, for links to it.
   */
  readonly outside: { readonly path: string; names(): string[]; text(name: string): string; stat(name: string): { mode: number; mtimeMs: number } };
  /** Runs `run` while directory `dir` of the tree (created here) cannot be read by the store. */
  unreadable<T>(dir: string, run: () => Promise<T>): Promise<T>;
  /** Leaves a temporary in existing directory `dir` whose writer is gone (a killed run); its name. */
  plantStaleTemporary(dir: string): Promise<string>;
}

export interface SafetyOptions {
  /**
   * The store promises containment through symlinks (a daemon module with use_chroot): a plain
   * store follows the links its owner put in the tree (SPEC §5, use_chroot = false) and refuses
   * only `..`.
   */
  readonly contained: boolean;
  /** The cases that cannot apply to this store (contract-skips.ts), each with its reason. */
  readonly skip?: Skips;
}

const DIR: EntryMeta = { kind: "dir", size: 0, mtimeNs: 1_600_000_000_000_000_000n, mode: 0o755, uid: 0, gid: 0 };
const bytes = (s: string) => new TextEncoder().encode(s);
const textOf = (store: Store, path: string) => new Response(store.read(path)).text();

/** Polls `ready` (no sleeps: one macrotask per look) until it holds. */
async function until(ready: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; !(await ready()); i++) {
    if (i > 100_000) throw new Error("condition never held");
    await new Promise((r) => setImmediate(r));
  }
}

/** Every operation of a Store on `path` (a file path), each as the code it ended with. */
async function everyOperation(store: Store, path: string, dir: string): Promise<Record<string, string>> {
  const meta = { ...fileMeta(6), mode: 0o600, mtimeNs: 1_000_000_000n };
  return {
    stat: await outcomeCode(() => store.stat(path)),
    list: await outcomeCode(() => store.list(dir)),
    read: await outcomeCode(() => textOf(store, path)),
    hash: await outcomeCode(() => store.hash(path)),
    writeFile: await outcomeCode(() => putFile(store, path, bytes("evil!!"))),
    writeDir: await outcomeCode(() => store.write([{ path: `${dir}/made`, meta: DIR }])),
    setMeta: await outcomeCode(() => store.setMeta([{ path, meta }])),
    remove: await outcomeCode(() => store.remove([path])),
  };
}

const allRefused = (code: string) => ({ stat: code, list: code, read: code, hash: code, writeFile: code, writeDir: code, setMeta: code, remove: code });

/** The outside directory exactly as the fixture made it. */
function expectOutsideUntouched(f: SafetyFixture, before: { mode: number; mtimeMs: number }): void {
  expect(f.outside.names()).toEqual(["secret"]);
  expect(f.outside.text("secret")).toBe("secret");
  expect(f.outside.stat("secret")).toEqual(before);
}

/** Sizes that take each write route: gathered in memory, and streamed into the temporary (over 1 MiB). */
const SIZES = [[256 << 10, "a small file"], [3 << 20, "a large file"]] as const;

export function describeStoreSafetyContract(name: string, options: SafetyOptions, makeFixture: () => Promise<SafetyFixture>): void {
  describe(`${name} keeps the Store's safety promises`, () => {
    const test = withSkips(options.skip);
    test("`..` never leads out: every operation refuses it with PATH_ESCAPE and the outside is untouched", async () => {
      await using f = await makeFixture();
      const before = f.outside.stat("secret");
      expect(await everyOperation(f.store, "../outside/secret", "../outside")).toEqual(allRefused("PATH_ESCAPE"));
      await f.store.write([{ path: "d", meta: DIR }]);
      expect(await everyOperation(f.store, "d/../../outside/secret", "d/../../outside")).toEqual(allRefused("PATH_ESCAPE"));
      expectOutsideUntouched(f, before);
    });

    test.skipIf(!options.contained)("a symlinked directory never leads out (contained stores; a plain one follows its owner's links)", async () => {
      await using f = await makeFixture();
      const before = f.outside.stat("secret");
      await f.symlink("link", f.outside.path);
      expect(await everyOperation(f.store, "link/secret", "link")).toEqual(allRefused("PATH_ESCAPE"));
      expectOutsideUntouched(f, before);
    });

    test("stat and list never follow a symlink; setMeta and remove act on the link, not its target", async () => {
      await using f = await makeFixture();
      const before = f.outside.stat("secret");
      await f.symlink("to-file", `${f.outside.path}/secret`);
      await f.symlink("to-dir", f.outside.path);
      expect(await f.store.stat("to-file")).toMatchObject({ kind: "symlink", linkTarget: `${f.outside.path}/secret` });
      expect(await f.store.stat("to-dir")).toMatchObject({ kind: "symlink", linkTarget: f.outside.path });
      const listed = (await f.store.list("")).entries.map((e) => [e.name, e.meta.kind]).sort();
      expect(listed).toEqual([["to-dir", "symlink"], ["to-file", "symlink"]]);
      await f.store.setMeta([{ path: "to-file", meta: { ...fileMeta(6), kind: "symlink", mode: 0o600, mtimeNs: 1_000_000_000n } }]);
      expectOutsideUntouched(f, before);
      const removed = await f.store.remove(["to-dir", "to-file"]);
      expect(removed.map((r) => r.error?.code ?? null)).toEqual([null, null]);
      expect(await f.rawNames("")).toEqual([]);
      expectOutsideUntouched(f, before);
    });

    test("a missing directory, or one below a missing one: list is NOT_FOUND, stat is null", async () => {
      await using f = await makeFixture();
      expect(await outcomeCode(() => f.store.list("missing"))).toBe("NOT_FOUND");
      expect(await outcomeCode(() => f.store.list("missing/deeper"))).toBe("NOT_FOUND");
      expect(await f.store.stat("missing/deeper")).toBeNull();
    });

    test("list of a directory the store may not read is PERMISSION_DENIED; its parent still lists", async () => {
      await using f = await makeFixture();
      const [locked, parent] = await f.unreadable("locked", async () => [await outcomeCode(() => f.store.list("locked")), await outcomeCode(() => f.store.list(""))]);
      expect({ locked, parent }).toEqual({ locked: "PERMISSION_DENIED", parent: "none" });
    });

    test("operations on a missing file fail with NOT_FOUND BlitErrors", async () => {
      await using f = await makeFixture();
      expect({
        read: await outcomeCode(() => textOf(f.store, "gone")),
        hash: await outcomeCode(() => f.store.hash("gone")),
        setMeta: await outcomeCode(() => f.store.setMeta([{ path: "gone", meta: fileMeta(0) }])),
        write: await outcomeCode(() => putFile(f.store, "no-dir/gone", bytes("x"))),
      }).toEqual({ read: "NOT_FOUND", hash: "NOT_FOUND", setMeta: "NOT_FOUND", write: "NOT_FOUND" });
    });

    for (const [size, what] of SIZES) {
      test(`${what} cancelled mid-file (AbortSignal): CANCELLED, the previous version shows throughout and stays, no temporary`, async () => {
        await using f = await makeFixture();
        expect((await putFile(f.store, "f", bytes("version 1"))).error).toBeUndefined();
        const gate = new Gate(new Uint8Array(size / 2).fill(1), new Uint8Array(size / 2).fill(2));
        const abort = new AbortController();
        const writing = outcomeCode(() => putStream(f.store, "f", size, () => gate.stream(), abort.signal));
        await until(() => gate.firstTaken);
        expect(await textOf(f.store, "f")).toBe("version 1");
        abort.abort();
        gate.open();
        expect(await writing).toBe("CANCELLED");
        expect(await textOf(f.store, "f")).toBe("version 1");
        expect(await f.rawNames("")).toEqual(["f"]);
      });

      test(`${what} whose source fails mid-file: the source's error, the previous version, no temporary; the next write lands`, async () => {
        await using f = await makeFixture();
        await putFile(f.store, "f", bytes("version 1"));
        const gate = new Gate(new Uint8Array(size / 2).fill(1), new Uint8Array(size / 2).fill(2));
        const writing = outcomeCode(() => putStream(f.store, "f", size, () => gate.stream()));
        await until(() => gate.firstTaken);
        gate.fail(new BlitError("CORRUPT_DATA", "the source broke mid-file"));
        expect(await writing).toBe("CORRUPT_DATA");
        expect(await textOf(f.store, "f")).toBe("version 1");
        expect(await f.rawNames("")).toEqual(["f"]);
        expect((await putFile(f.store, "f", bytes("version 2"))).error).toBeUndefined();
        expect(await textOf(f.store, "f")).toBe("version 2");
      });
    }

    test("a write that finds its signal aborted writes nothing and fails CANCELLED", async () => {
      await using f = await makeFixture();
      await putFile(f.store, "f", bytes("version 1"));
      const abort = new AbortController();
      abort.abort(new BlitError("CANCELLED", "cancelled by the test"));
      expect(await outcomeCode(() => putFile(f.store, "f", bytes("version 2"), abort.signal))).toBe("CANCELLED");
      expect(await outcomeCode(() => putFile(f.store, "new", bytes("x"), abort.signal))).toBe("CANCELLED");
      expect(await textOf(f.store, "f")).toBe("version 1");
      expect(await f.rawNames("")).toEqual(["f"]);
    });

    test("a plain abort (no reason) is CANCELLED too, never the runtime's AbortError", async () => {
      await using f = await makeFixture();
      await putFile(f.store, "f", bytes("version 1"));
      const abort = new AbortController();
      abort.abort();
      expect(await outcomeCode(() => putFile(f.store, "f", bytes("version 2"), abort.signal))).toBe("CANCELLED");
      expect(await outcomeCode(() => f.store.list("", abort.signal))).toBe("CANCELLED");
      expect(await outcomeCode(() => f.store.hash("f", abort.signal))).toBe("CANCELLED");
      expect(await textOf(f.store, "f")).toBe("version 1");
    });

    test("remove of a path where nothing is succeeds (the entry is gone either way)", async () => {
      await using f = await makeFixture();
      const [r] = await f.store.remove(["never-was", "d-never-was"], { onlyEmptyDirs: false });
      expect(r?.error).toBeUndefined();
      expect(await f.rawNames("")).toEqual([]);
    });

    test("a temporary whose writer is gone is never listed and is removed by the next write into its directory", async () => {
      await using f = await makeFixture();
      await f.store.write([{ path: "d", meta: DIR }]);
      const stale = await f.plantStaleTemporary("d");
      expect(await f.rawNames("d")).toEqual([stale]);
      expect((await f.store.list("d")).entries).toEqual([]);
      expect((await putFile(f.store, "d/new", bytes("n"))).error).toBeUndefined();
      expect(await f.rawNames("d")).toEqual(["new"]);
    });
    test.checkSkips();
  });
}
