// PeerStore.readWhole as the Store TSDoc states it for a network peer (the contract's readWhole
// case expects null past maxBytes, which only a store that knows sizes beforehand can give).
import { expect, test } from "bun:test";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WholeRead } from "../../src/ports/store-capabilities.ts";
import { serveModule } from "./peer-session.ts";

const shown = (r: WholeRead | undefined) => (r == null ? r : "bytes" in r ? new TextDecoder().decode(r.bytes) : r.error.code);

test("readWhole of a pull session: small files whole, CORRUPT_DATA past maxBytes, NOT_FOUND for a missing file, an error for a symlink", async () => {
  await using served = await serveModule();
  writeFileSync(join(served.root, "a"), "alpha");
  writeFileSync(join(served.root, "empty"), "");
  writeFileSync(join(served.root, "big"), new Uint8Array(5000).fill(7));
  symlinkSync("a", join(served.root, "link"));
  const peer = await served.open("pull");
  const [a, empty, big, missing, link] = (await peer.readWhole(["a", "empty", "big", "missing", "link"], 4096)).map(shown);
  expect({ a, empty, big, missing }).toEqual({ a: "alpha", empty: "", big: "CORRUPT_DATA", missing: "NOT_FOUND" });
  expect(link).toEqual(expect.any(String));
  expect(link).not.toBe("alpha");
  expect(link).not.toBe("NOT_FOUND");
}, 60_000);
