// SPEC §3/§5: a module root is never removed, however a client spells it. A session's remove
// request naming "", ".", "./", "a/..", "./." or "a/../." is refused (PERMISSION_DENIED) and the
// module keeps every entry; a path inside the module is still removed.
import { expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isBlitError } from "../../src/domain/errors.ts";
import { startDaemon } from "../harness/daemon.ts";
import { openSession } from "../harness/session-client.ts";
import { makeTempDir, writeTree } from "../harness/temp-tree.ts";

const ROOT_SPELLINGS = ["", ".", "./", "a/..", "./.", "a/../.", "a//../"];

test("remove of every spelling of the module root is refused and the module stays whole", async () => {
  using dir = makeTempDir("remove-root");
  writeTree(dir.path, { "m/a/one.txt": "1", "m/two.txt": "2", "m/gone.txt": "g" });
  await using daemon = await startDaemon({ modules: { m: { path: join(dir.path, "m") } } });
  for (const role of ["pull", "push"] as const) {
    await using session = await openSession(daemon, "m", role, { move: role === "pull" });
    const peer = session.store;
    for (const spelling of ROOT_SPELLINGS) {
      const outcome = await peer.remove([spelling]).then(
        (rs) => rs.map((r) => r.error?.code ?? "removed").join(","),
        (e: unknown) => (isBlitError(e) ? e.code : String(e)),
      );
      const left = readdirSync(join(dir.path, "m")).sort();
      expect({ role, spelling, left }).toEqual({ role, spelling, left: role === "pull" ? ["a", "gone.txt", "two.txt"] : ["a", "two.txt"] });
      expect({ role, spelling, outcome }).toEqual({ role, spelling, outcome: "PERMISSION_DENIED" });
    }
    if (role === "pull") {
      const [gone] = await peer.remove(["./a/../gone.txt"]);
      expect(gone?.error).toBeUndefined();
      expect(existsSync(join(dir.path, "m/gone.txt"))).toBe(false);
    }
  }
  expect(existsSync(join(dir.path, "m/a/one.txt"))).toBe(true);
}, 60_000);
