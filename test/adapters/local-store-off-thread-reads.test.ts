// A daemon's LocalStore (offThread) opens and reads in its pool: what it streams is byte-exact,
// from any offset, for files shorter and longer than one chunk; a missing file fails naming it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { isBlitError } from "../../src/domain/errors.ts";
import { randomBytes } from "../harness/random-bytes.ts";

let root = "";
const BIG = randomBytes(3 * 1024 * 1024 + 17);
const SMALL = randomBytes(1000);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "blit-off-thread-"));
  writeFileSync(join(root, "big"), BIG);
  writeFileSync(join(root, "small"), SMALL);
  writeFileSync(join(root, "empty"), "");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

test.each([[false], [true]])("contained %p: reads are byte-exact from any offset", async (beneath) => {
  await using store = new LocalStore({ root, cleanTemporaries: false, maxThreads: 2, beneath, offThread: true });
  expect((await bytesOf(store.read("big"))).equals(Buffer.from(BIG))).toBe(true);
  expect((await bytesOf(store.read("big", 1_500_000))).equals(Buffer.from(BIG.subarray(1_500_000)))).toBe(true);
  expect((await bytesOf(store.read("small"))).equals(Buffer.from(SMALL))).toBe(true);
  expect((await bytesOf(store.read("empty"))).length).toBe(0);
  let error = "";
  try {
    await bytesOf(store.read("missing"));
  } catch (e) {
    error = isBlitError(e) ? `${e.code}: ${e.message}` : String(e);
  }
  expect(error).toMatch(/^NOT_FOUND: cannot read (\S*\/)?missing: no such file or directory/);
});
