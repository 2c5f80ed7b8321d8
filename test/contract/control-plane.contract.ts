/**
 * The ControlPlane contract (src/ports/control.ts): what `blit-utils` and `blit list` rely on from
 * a daemon, whether they hold it in-process or through the network client. Every implementation
 * runs it through a runner (test/contract/control-plane.test.ts) on the trees {@link seedControlTree}
 * makes, served as module `m` (writable, contained), `plain` (writable, use_chroot = false) and
 * `ro` (read-only), no default export.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isBlitError } from "../../src/domain/errors.ts";
import type { ControlPlane, RemoteTarget } from "../../src/ports/control.ts";

export interface ControlFixture extends AsyncDisposable {
  readonly plane: ControlPlane;
  /** Server-side absolute roots of the modules: no reply or error may hold them. */
  readonly roots: readonly string[];
  /** True when `path` exists in module `m` (looked at on the server's filesystem). */
  exists(path: string): boolean;
}

/** What the daemon under test says about itself. */
export const FACTS = { version: "contract-test", motd: "hello from the contract" } as const;

/**
 * Module `m`: top.txt (4 bytes), a/f1.txt (3), a/b/f2.bin (5), a/b/c/ (empty). Module `plain`:
 * `loop`, a symlink to itself (a store error that names its path). Module `ro`: r.txt.
 */
export function seedControlTree(m: string, plain: string, ro: string): void {
  mkdirSync(join(m, "a/b/c"), { recursive: true });
  writeFileSync(join(m, "top.txt"), "top!");
  writeFileSync(join(m, "a/f1.txt"), "one");
  writeFileSync(join(m, "a/b/f2.bin"), "two!!");
  writeFileSync(join(ro, "r.txt"), "read only");
  symlinkSync("loop", join(plain, "loop"));
}

const at = (path: string, module: string | null = "m"): RemoteTarget => ({ module, path });

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** The code and message `run` failed with ("none" when it did not fail; not a BlitError says so). */
async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
    return { code: "none", message: "" };
  } catch (e) {
    return isBlitError(e) ? { code: e.code, message: e.message } : { code: `not a BlitError: ${String(e)}`, message: "" };
  }
}

/** Every refusal the port documents, each as the code and message it ended with. */
export async function refusals(plane: ControlPlane): Promise<Record<string, { code: string; message: string }>> {
  const stream = (q: Parameters<ControlPlane["find"]>[0]) => () => drain(plane.find(q));
  return {
    "list unknown module": await failure(() => plane.list(at("", "nope"))),
    "list default export (none)": await failure(() => plane.list(at("", null))),
    "list missing path": await failure(() => plane.list(at("a/missing"))),
    "list escaping path": await failure(() => plane.list(at("a/../../x"))),
    "find missing path": await failure(stream({ target: at("missing"), pattern: "", kind: "any", limit: 0 })),
    "find escaping path": await failure(stream({ target: at("../x"), pattern: "", kind: "any", limit: 0 })),
    "find bad pattern": await failure(stream({ target: at(""), pattern: "x".repeat(5000), kind: "any", limit: 0 })),
    "du missing path": await failure(() => drain(plane.diskUsage({ target: at("missing"), maxDepth: 1 }))),
    "du escaping path": await failure(() => drain(plane.diskUsage({ target: at(".."), maxDepth: 1 }))),
    "df unknown module": await failure(() => plane.filesystemStats(at("", "nope"))),
    "df escaping path": await failure(() => plane.filesystemStats(at("../.."))),
    "purge module root": await failure(() => plane.purge(at(""))),
    "purge read-only module": await failure(() => plane.purge(at("r.txt", "ro"))),
    "purge missing path": await failure(() => plane.purge(at("missing"))),
    "purge escaping path": await failure(() => plane.purge(at("a/../../outside"))),
  };
}

const EXPECTED_CODES: Record<string, string> = {
  "list unknown module": "NOT_FOUND",
  "list default export (none)": "NOT_FOUND",
  "list missing path": "NOT_FOUND",
  "list escaping path": "PATH_ESCAPE",
  "find missing path": "NOT_FOUND",
  "find escaping path": "PATH_ESCAPE",
  "find bad pattern": "USAGE",
  "du missing path": "NOT_FOUND",
  "du escaping path": "PATH_ESCAPE",
  "df unknown module": "NOT_FOUND",
  "df escaping path": "PATH_ESCAPE",
  "purge module root": "PERMISSION_DENIED",
  "purge read-only module": "READ_ONLY",
  "purge missing path": "NOT_FOUND",
  "purge escaping path": "PATH_ESCAPE",
};

/** Text of `value` with bigints, for looking for server paths in it. */
const shown = (value: unknown): string => JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));

export function describeControlPlaneContract(name: string, protocolVersion: number, makeFixture: () => Promise<ControlFixture>): void {
  describe(`${name} satisfies the ControlPlane contract`, () => {
    test("ping and listModules tell who the daemon is and what it exports, modules sorted", async () => {
      await using f = await makeFixture();
      expect(await f.plane.ping()).toEqual({ version: FACTS.version, protocolVersion });
      expect(await f.plane.listModules()).toEqual({
        version: FACTS.version,
        motd: FACTS.motd,
        modules: [
          { name: "m", comment: "writable", readOnly: false, authRequired: false },
          { name: "plain", comment: "follows links", readOnly: false, authRequired: false },
          { name: "ro", comment: "read-only", readOnly: true, authRequired: false },
        ],
        defaultExport: null,
      });
    });

    test("list gives a directory's entries sorted by name, or a file itself", async () => {
      await using f = await makeFixture();
      const dir = await f.plane.list(at("a"));
      expect({ isDir: dir.isDir, entries: dir.entries.map((e) => [e.name, e.meta.kind]), failures: dir.failures }).toEqual({ isDir: true, entries: [["b", "dir"], ["f1.txt", "file"]], failures: [] });
      const file = await f.plane.list(at("a/b/f2.bin"));
      expect({ isDir: file.isDir, entries: file.entries.map((e) => [e.name, e.meta.size]) }).toEqual({ isDir: false, entries: [["f2.bin", 5]] });
    });

    test("find reports matches by name or path, per kind, up to its limit", async () => {
      await using f = await makeFixture();
      const paths = async (q: Omit<Parameters<ControlPlane["find"]>[0], "target">) => (await drain(f.plane.find({ target: at(""), ...q }))).map((e) => e.path).sort();
      expect(await paths({ pattern: "*.txt", kind: "files", limit: 0 })).toEqual(["a/f1.txt", "top.txt"]);
      expect(await paths({ pattern: "", kind: "dirs", limit: 0 })).toEqual(["a", "a/b", "a/b/c"]);
      expect(await paths({ pattern: "a/b/*", kind: "any", limit: 0 })).toEqual(["a/b/c", "a/b/f2.bin"]);
      expect((await paths({ pattern: "", kind: "any", limit: 2 })).length).toBe(2);
      const below = await drain(f.plane.find({ target: at("a/b"), pattern: "", kind: "files", limit: 0 }));
      expect(below.map((e) => [e.path, e.meta.size])).toEqual([["f2.bin", 5]]);
    });

    test("diskUsage gives totals deepest first, the target's own row last", async () => {
      await using f = await makeFixture();
      const rows = await drain(f.plane.diskUsage({ target: at(""), maxDepth: 5 }));
      expect(rows.at(-1)).toEqual({ path: "", bytes: 12, files: 3, dirs: 3, depth: 0 });
      const depths = rows.map((r) => r.depth);
      expect(depths).toEqual([...depths].sort((x, y) => y - x));
      expect(rows.find((r) => r.path === "a")).toMatchObject({ bytes: 8, files: 2, depth: 1 });
      const shallow = await drain(f.plane.diskUsage({ target: at(""), maxDepth: 0 }));
      expect(shallow).toEqual([{ path: "", bytes: 12, files: 3, dirs: 3, depth: 0 }]);
    });

    test("filesystemStats describes the module's filesystem", async () => {
      await using f = await makeFixture();
      const s = await f.plane.filesystemStats(at("a"));
      expect(s.blockSize).toBeGreaterThan(0);
      expect(s.totalBytes).toBeGreaterThan(0);
      expect(s.availableBytes).toBeLessThanOrEqual(s.freeBytes);
      expect(s.freeBytes).toBeLessThanOrEqual(s.totalBytes);
    });

    test("purge removes a path and everything below it, counting what went, and nothing else", async () => {
      await using f = await makeFixture();
      expect(await f.plane.purge(at("a/b"))).toEqual({ entriesRemoved: 3, bytesRemoved: 5 });
      expect([f.exists("a/b"), f.exists("a/f1.txt"), f.exists("top.txt")]).toEqual([false, true, true]);
      expect(await f.plane.purge(at("top.txt"))).toEqual({ entriesRemoved: 1, bytesRemoved: 4 });
      expect(f.exists("top.txt")).toBe(false);
    });

    test("completePath offers module names, or names in a directory with directories ending in '/'; unknown places give none", async () => {
      await using f = await makeFixture();
      const q = { module: "m", completeModules: false, prefix: "", dirsOnly: false, limit: 0 };
      expect(await f.plane.completePath({ ...q, module: "", completeModules: true })).toEqual(["m/", "plain/", "ro/"]);
      expect(await f.plane.completePath({ ...q, module: "r", completeModules: true })).toEqual(["ro/"]);
      expect(await f.plane.completePath({ ...q, prefix: "a/" })).toEqual(["a/b/", "a/f1.txt"]);
      expect(await f.plane.completePath({ ...q, prefix: "a/", dirsOnly: true })).toEqual(["a/b/"]);
      expect(await f.plane.completePath({ ...q, prefix: "t" })).toEqual(["top.txt"]);
      expect(await f.plane.completePath({ ...q, module: "nope" })).toEqual([]);
      expect(await f.plane.completePath({ ...q, prefix: "missing/" })).toEqual([]);
    });

    test("every documented refusal has its code, and nothing touched the tree", async () => {
      await using f = await makeFixture();
      const got = await refusals(f.plane);
      expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.code]))).toEqual(EXPECTED_CODES);
      expect(["top.txt", "a/f1.txt", "a/b/f2.bin", "a/b/c"].map((p) => f.exists(p))).toEqual([true, true, true, true]);
    });

    test("no reply or error holds a server-side absolute path", async () => {
      await using f = await makeFixture();
      const replies = [
        await f.plane.listModules(),
        await f.plane.list(at("a")),
        await drain(f.plane.find({ target: at(""), pattern: "", kind: "any", limit: 0 })),
        await drain(f.plane.diskUsage({ target: at(""), maxDepth: 5 })),
        await f.plane.completePath({ module: "m", completeModules: false, prefix: "a/", dirsOnly: false, limit: 0 }),
        await refusals(f.plane),
        await failure(() => f.plane.list(at("loop/x", "plain"))),
        await failure(() => drain(f.plane.find({ target: at("loop", "plain"), pattern: "", kind: "any", limit: 0 }))),
      ];
      const text = shown(replies);
      for (const root of f.roots) expect(text).not.toContain(root);
    });

    test("streams stop when their signal aborts: the call rejects with CANCELLED", async () => {
      await using f = await makeFixture();
      const abort = new AbortController();
      let seen = 0;
      const finding = failure(async () => {
        for await (const _ of f.plane.find({ target: at(""), pattern: "", kind: "any", limit: 0 }, abort.signal)) {
          if (++seen === 1) abort.abort();
        }
      });
      expect((await finding).code).toBe("CANCELLED");
      const aborted = AbortSignal.abort();
      expect((await failure(() => drain(f.plane.diskUsage({ target: at(""), maxDepth: 5 }, aborted)))).code).toBe("CANCELLED");
    });
  });
}
