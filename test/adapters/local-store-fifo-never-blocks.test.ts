// SPEC §5 (hostile peers) and §3 (special files are never copied): every read a LocalStore makes
// of a path that turned out to be a FIFO fails at once naming it, contained or not, inline or in
// the pool — none waits for a writer (the FIFOs here never get one).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";

let root = "";

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "blit-fifo-store-"));
  execFileSync("mkfifo", [join(root, "fifo")]);
  writeFileSync(join(root, "plain"), "plain");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isBlitError(e) ? `${e.code}: ${e.message}` : String(e);
  }
  return "no error";
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += chunk.length;
  return n;
}

describe.each([
  ["plain store", { beneath: false, offThread: false }],
  ["contained store", { beneath: true, offThread: false }],
  ["daemon store (pool only)", { beneath: true, offThread: true }],
])("%s", (_label, opts) => {
  const open = () => new LocalStore({ root, cleanTemporaries: false, maxThreads: 2, ...opts });

  test("read, openFile, readWhole and hash of a FIFO fail naming it; block hashes are empty", async () => {
    await using store = open();
    expect(await failure(Promise.resolve().then(() => readAll(store.read("fifo"))))).toMatch(/^NOT_FOUND: cannot read (\S*\/)?fifo: not a regular file/);
    expect(await failure(store.openFile("fifo"))).toMatch(/^NOT_FOUND: cannot read (\S*\/)?fifo: not a regular file/);
    expect(await failure(store.hash("fifo"))).toMatch(/^NOT_FOUND: cannot read (\S*\/)?fifo: not a regular file/);
    expect(await store.blockHashes("fifo")).toEqual([]);
    const [fifo = null, plain = null] = await store.readWhole(["fifo", "plain"], 1 << 20);
    expect(fifo !== null && "error" in fifo && `${fifo.error.code}: ${fifo.error.message}`).toMatch(/^NOT_FOUND: cannot read (\S*\/)?fifo: not a regular file/);
    expect(plain !== null && "bytes" in plain && new TextDecoder().decode(plain.bytes)).toBe("plain");
  });
});
