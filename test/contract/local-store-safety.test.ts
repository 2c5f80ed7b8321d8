// The Store safety contract over LocalStore, plain and contained beneath its root (as local-store.test.ts builds them).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { temporaryNameFor } from "../../src/domain/temp-name.ts";
import { describeStoreSafetyContract, type SafetyFixture } from "./store-safety.contract.ts";

/** Who the store runs as while a directory is made unreadable, when the test runs as root (root reads everything). */
const NOBODY = 65534;

const fixture = (beneath: boolean) => async (): Promise<SafetyFixture> => {
  const base = mkdtempSync(join(tmpdir(), "blit-safety-"));
  // Reachable by NOBODY, so only the locked directory itself refuses it.
  chmodSync(base, 0o755);
  const [dst, outside] = [join(base, "dst"), join(base, "outside")];
  mkdirSync(dst, { mode: 0o755 });
  mkdirSync(outside, { mode: 0o755 });
  writeFileSync(join(outside, "secret"), "secret", { mode: 0o644 });
  chmodSync(join(outside, "secret"), 0o644);
  const store = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null, beneath });
  return {
    store,
    async rawNames(dir) {
      return readdirSync(join(dst, dir)).sort();
    },
    async symlink(path, target) {
      symlinkSync(target, join(dst, path));
    },
    outside: {
      path: outside,
      names: () => readdirSync(outside).sort(),
      text: (name) => readFileSync(join(outside, name), "utf8"),
      stat: (name) => {
        const st = statSync(join(outside, name));
        return { mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
      },
    },
    async unreadable(dir, run) {
      const abs = join(dst, dir);
      mkdirSync(abs, { mode: 0o755 });
      chmodSync(abs, 0);
      const asRoot = process.geteuid?.() === 0;
      if (asRoot) process.seteuid!(NOBODY);
      try {
        return await run();
      } finally {
        if (asRoot) process.seteuid!(0);
        chmodSync(abs, 0o755);
      }
    },
    async plantStaleTemporary(dir) {
      // A temporary nobody holds the lock of: what a killed writer leaves (temp-lock.ts).
      const name = temporaryNameFor("victim", "killedwriter");
      writeFileSync(join(dst, dir, name), "half a file");
      return name;
    },
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      rmSync(base, { recursive: true, force: true });
    },
  };
};

describeStoreSafetyContract("LocalStore", { contained: false }, fixture(false));
describeStoreSafetyContract("LocalStore contained beneath its root", { contained: true }, fixture(true));
