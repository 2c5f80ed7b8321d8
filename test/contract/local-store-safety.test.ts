// The Store safety contract over LocalStore, plain and contained beneath its root (as local-store.test.ts builds them).
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { safetyDisk } from "./safety-disk.ts";
import { describeStoreSafetyContract, type SafetyFixture } from "./store-safety.contract.ts";

const fixture = (beneath: boolean) => async (): Promise<SafetyFixture> => {
  const base = mkdtempSync(join(tmpdir(), "blit-safety-"));
  // Reachable by the unprivileged user of `unreadable`, so only the locked directory itself refuses it.
  chmodSync(base, 0o755);
  const dst = join(base, "dst");
  mkdirSync(dst, { mode: 0o755 });
  const disk = safetyDisk(dst, join(base, "outside"));
  const store = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null, beneath });
  return {
    store,
    ...disk,
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      rmSync(base, { recursive: true, force: true });
    },
  };
};

describeStoreSafetyContract("LocalStore", { contained: false }, fixture(false));
describeStoreSafetyContract("LocalStore contained beneath its root", { contained: true }, fixture(true));
