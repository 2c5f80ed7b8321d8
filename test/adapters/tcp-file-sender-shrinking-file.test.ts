// A file that ends while FileSender sends it zero-copy: the cut DATA record is completed so the
// connection stays in step, the file FAILs with PARTIAL, and the next file arrives intact.
// The shrink is simulated by an OpenFile that claims 2 MiB more than the file holds: a real
// truncation between open and sendfile cannot be timed from a test.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { TcpTransport } from "../../src/adapters/tcp/index.ts";
import { FileDemux } from "../../src/adapters/blit-session/file-demux.ts";
import { FileSender } from "../../src/adapters/blit-session/file-sender.ts";
import { storeBytes } from "../../src/apps/engine/store-bytes.ts";
import { encodeEnd } from "../../src/domain/wire/frame.ts";
import type { FileBytes } from "../../src/ports/file-bytes.ts";
import { randomBytes } from "../harness/random-bytes.ts";
import { makeTempDir, type TempDir } from "../harness/temp-tree.ts";

let dir: TempDir;
let store: LocalStore;
const big = randomBytes(3 << 20);

beforeAll(() => {
  dir = makeTempDir("shrinking-file");
  writeFileSync(join(dir.path, "big"), big);
  writeFileSync(join(dir.path, "next"), "next file");
  store = new LocalStore({ root: dir.path, cleanTemporaries: false, maxThreads: null });
});
afterAll(async () => {
  await store[Symbol.asyncDispose]();
  dir[Symbol.dispose]();
});

/** The bytes of `path`, with `open` reporting 2 MiB more than the file has. */
function lyingSize(s: LocalStore, path: string): FileBytes {
  return {
    ...storeBytes(s, path),
    open: async () => {
      const f = await s.openFile(path);
      return f === null ? null : { fd: f.fd, size: f.size + (2 << 20), stream: (o: number) => f.stream(o), changed: () => f.changed(), [Symbol.asyncDispose]: () => f[Symbol.asyncDispose]() };
    },
  };
}

test.skipIf(process.platform !== "linux")("a file ending mid-record FAILs with PARTIAL and the next file still arrives", async () => {
  const t = new TcpTransport();
  await using l = await t.listen({ host: "127.0.0.1", port: 0 });
  const [a, b] = await Promise.all([t.dial({ host: "127.0.0.1", port: l.address.port }), l.accept()]);
  await using _a = a;
  await using _b = b;
  const demux = new FileDemux();
  const draining = demux.drain(b);
  const first = new Response(demux.stream(1)).bytes().then(
    () => "complete",
    (e: { code?: string }) => e.code,
  );
  const second = new Response(demux.stream(2)).text();
  const sender = new FileSender(a);
  expect(await sender.sendFile(1, lyingSize(store, "big"), 0)).toBe(big.length);
  await sender.sendFile(2, storeBytes(store, "next"), 0);
  await sender.flush();
  await a.send(encodeEnd());
  await draining;
  expect({ first: await first, second: await second }).toEqual({ first: "PARTIAL", second: "next file" });
});
