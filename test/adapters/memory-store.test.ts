// What MemoryStore promises beyond the shared Store contract: no lookup follows a symlink (at the
// end of a path or in its middle), read bits decide PERMISSION_DENIED, and a write whose bytes fail
// or are cancelled leaves the previous version.
import { expect, test } from "bun:test";
import { MemoryStore, MemoryTree } from "../../src/adapters/memory/index.ts";
import type { EntryMeta } from "../../src/domain/entry.ts";
import type { FileBytes } from "../../src/ports/file-bytes.ts";

const FILE: EntryMeta = { kind: "file", size: 3, mtimeNs: 5n, mode: 0o644, uid: 0, gid: 0 };
const bytesOf = (text: string): FileBytes => ({ read: (offset) => new Response(text.slice(offset)).body! });
const failing: FileBytes = {
  read: () =>
    new ReadableStream({
      pull: () => {
        throw new Error("source gone");
      },
    }),
};

function store(): { tree: MemoryTree; s: MemoryStore } {
  const tree = new MemoryTree();
  tree.putFile("root/dir/f.txt", "old");
  tree.putFile("outside/secret.txt", "secret");
  tree.putSymlink("root/via", "/outside");
  return { tree, s: new MemoryStore(tree, "/root") };
}

test("a symlink is an entry of its own: a path through one is PATH_ESCAPE, one ending at it never reads its target", async () => {
  const { tree, s } = store();
  expect((await s.stat("via"))?.kind).toBe("symlink");
  await expect(s.stat("via/secret.txt")).rejects.toMatchObject({ code: "PATH_ESCAPE" });
  await expect(s.list("via")).rejects.toMatchObject({ code: "PATH_ESCAPE" });
  await expect(new Response(s.read("via/secret.txt")).text()).rejects.toMatchObject({ code: "PATH_ESCAPE" });
  await expect(new Response(s.read("via")).text()).rejects.toMatchObject({ code: "NOT_FOUND" });
  const [file] = await s.write([{ path: "via/planted", meta: FILE, bytes: bytesOf("bad") }]);
  const [dir] = await s.write([{ path: "via/newdir", meta: { ...FILE, kind: "dir" } }]);
  expect([file?.error?.code, dir?.error?.code]).toEqual(["PATH_ESCAPE", "PATH_ESCAPE"]);
  expect([...tree.find("outside")!.children.keys()]).toEqual(["secret.txt"]);
});

test("no read bit: list and read are PERMISSION_DENIED", async () => {
  const { tree, s } = store();
  tree.putFile("root/locked.txt", "x", { mode: 0o000 });
  tree.find("root/dir")!.meta = { ...tree.find("root/dir")!.meta, mode: 0o300 };
  await expect(s.list("dir")).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
  await expect(new Response(s.read("locked.txt")).text()).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
  await expect(s.hash("locked.txt")).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
});

test("a write whose bytes fail, or whose signal aborted, leaves the previous version", async () => {
  const { tree, s } = store();
  const [failed] = await s.write([{ path: "dir/f.txt", meta: FILE, bytes: failing }]);
  expect(failed?.error).toBeDefined();
  const aborted = new AbortController();
  aborted.abort();
  await expect(s.write([{ path: "dir/f.txt", meta: FILE, bytes: bytesOf("new") }], aborted.signal)).rejects.toBeDefined();
  expect(tree.text("root/dir/f.txt")).toBe("old");
  const [ok] = await s.write([{ path: "dir/f.txt", meta: FILE, bytes: bytesOf("new") }]);
  expect(ok).toEqual({ path: "dir/f.txt", bytes: 3, zeroCopyBytes: 0 });
  expect(tree.text("root/dir/f.txt")).toBe("new");
});

test("resumeFrom keeps the existing file's first bytes and takes the rest from the bytes", async () => {
  const { tree, s } = store();
  const [r] = await s.write([{ path: "dir/f.txt", meta: { ...FILE, size: 6 }, bytes: bytesOf("xyzNEW"), resumeFrom: 3 }]);
  expect(r?.bytes).toBe(3);
  expect(tree.text("root/dir/f.txt")).toBe("oldNEW");
});

test("bytes that changed at their source land one nanosecond before the listed mtime, flagged", async () => {
  const { tree, s } = store();
  const [r] = await s.write([{ path: "dir/g.txt", meta: FILE, bytes: { ...bytesOf("abc"), changed: () => true } }]);
  expect(r?.sourceChanged).toBe(true);
  expect(tree.find("root/dir/g.txt")?.meta.mtimeNs).toBe(4n);
});

test("paths stay below the root: a '..' is PATH_ESCAPE", async () => {
  const { s } = store();
  await expect(s.stat("../outside/secret.txt")).rejects.toMatchObject({ code: "PATH_ESCAPE" });
});
