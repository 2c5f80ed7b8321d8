// The `..` promise of the Store safety contract over PeerStore, one session per operation: a daemon
// answers a client's first `..` path with PATH_ESCAPE and then ends the session (SPEC §5, hostile
// peers), so the contract's case, which goes on in the same session, is skipped for PeerStore.
import { expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PeerStore } from "../../src/adapters/blit-session/peer-store.ts";
import { serveModule } from "./peer-session.ts";
import { fileMeta, outcomeCode, putFile } from "./store-fixture.ts";

const DIR = { ...fileMeta(0), kind: "dir" as const, mode: 0o755 };
const OPERATIONS: Record<string, (store: PeerStore, path: string, dir: string) => Promise<unknown>> = {
  stat: (s, p) => s.stat(p),
  list: (s, _, d) => s.list(d),
  read: (s, p) => new Response(s.read(p)).text(),
  hash: (s, p) => s.hash(p),
  writeFile: (s, p) => putFile(s, p, new TextEncoder().encode("evil!!")),
  writeDir: (s, _, d) => s.write([{ path: `${d}/made`, meta: DIR }]),
  setMeta: (s, p) => s.setMeta([{ path: p, meta: { ...fileMeta(6), mode: 0o600, mtimeNs: 1_000_000_000n } }]),
  remove: (s, p) => s.remove([p]),
  // A hard link is a way out too: a name inside pointing at the outside file, or one made outside.
  linkTo: (s, p) => s.link([{ path: "d/planted", to: p }]),
  linkAt: (s, p) => s.link([{ path: p, to: "d/inside" }]),
  snapshotFrom: (s, p) => s.snapshot([{ how: "keep-aside", from: p, to: "d/kept" }]),
  snapshotTo: (s, p) => s.snapshot([{ how: "link", from: "d/inside", to: p }]),
};

test("every operation on a `..` path is refused with PATH_ESCAPE and the outside is untouched", async () => {
  await using served = await serveModule();
  const outside = join(served.base, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret"), "secret");
  mkdirSync(join(served.root, "d"));
  writeFileSync(join(served.root, "d", "inside"), "inside");
  const codes: Record<string, string> = {};
  for (const [name, run] of Object.entries(OPERATIONS)) {
    for (const [path, dir] of [["../outside/secret", "../outside"], ["d/../../outside/secret", "d/../../outside"]] as const) {
      const peer = await served.open("push");
      codes[`${name} ${path}`] = await outcomeCode(() => run(peer, path, dir));
      await peer[Symbol.asyncDispose]();
    }
  }
  expect(Object.entries(codes).filter(([, code]) => code !== "PATH_ESCAPE")).toEqual([]);
  expect(readdirSync(outside)).toEqual(["secret"]);
  expect(readdirSync(join(served.root, "d")).sort()).toEqual(["inside"]);
  expect(readFileSync(join(outside, "secret"), "utf8")).toBe("secret");
}, 60_000);
