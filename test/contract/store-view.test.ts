// The Store contracts over StoreView (src/apps/engine/store-view.ts): directory `dst` of a
// LocalStore as a Store of its own, plain and contained beneath the inner store's root.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { StoreView } from "../../src/apps/engine/store-view.ts";
import { temporaryNameFor } from "../../src/domain/temp-name.ts";
import { describeStoreSafetyContract, type SafetyFixture } from "./store-safety.contract.ts";
import { describeStoreContract, type StoreFixture } from "./store.contract.ts";

/** Who the store runs as while a directory is made unreadable, when the test runs as root. */
const NOBODY = 65534;

/** `base/inner` holds the inner store's tree; the view is its directory `dst`. */
function layout(prefix: string, beneath: boolean) {
  const base = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(base, 0o755);
  const inner = join(base, "inner");
  const dst = join(inner, "dst");
  mkdirSync(dst, { recursive: true, mode: 0o755 });
  chmodSync(inner, 0o755);
  const store = new LocalStore({ root: inner, cleanTemporaries: true, maxThreads: null, beneath });
  return { base, inner, dst, store, view: new StoreView(store, "dst", `${inner}/dst`) };
}

const contractFixture = (beneath: boolean) => async (): Promise<StoreFixture> => {
  const { base, dst, store, view } = layout("blit-view-", beneath);
  const src = join(base, "src");
  mkdirSync(src);
  const source = new LocalStore({ root: src, cleanTemporaries: false, maxThreads: null });
  return {
    store: view,
    source,
    async seedFile(path, bytes) {
      writeFileSync(join(src, path), bytes);
      const st = statSync(join(src, path), { bigint: true });
      return { kind: "file", size: bytes.length, mtimeNs: st.mtimeNs, mode: Number(st.mode & 0o7777n), uid: 0, gid: 0 };
    },
    rawNames: async (dir) => readdirSync(join(dst, dir)).sort(),
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      await source[Symbol.asyncDispose]();
      rmSync(base, { recursive: true, force: true });
    },
  };
};

const safetyFixture = (beneath: boolean) => async (): Promise<SafetyFixture> => {
  const { base, inner, dst, store, view } = layout("blit-view-safety-", beneath);
  // Beside the view's root (reached from it as `../outside`), inside the inner store's tree.
  const outside = join(inner, "outside");
  mkdirSync(outside, { mode: 0o755 });
  writeFileSync(join(outside, "secret"), "secret", { mode: 0o644 });
  chmodSync(join(outside, "secret"), 0o644);
  return {
    store: view,
    rawNames: async (dir) => readdirSync(join(dst, dir)).sort(),
    symlink: async (path, target) => symlinkSync(target, join(dst, path)),
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

describeStoreContract("StoreView of a LocalStore", contractFixture(false));
describeStoreContract("StoreView of a LocalStore contained beneath its root", contractFixture(true));
/** What the view's TSDoc states: a write's signal is not passed on to the shared inner store. */
const SIGNAL_NOT_PASSED = "StoreView does not pass a write's signal on (a shared store may cancel all of its copies when one aborts): a cancelled run stops between batches";
const skip = { "a small file cancelled mid-file": SIGNAL_NOT_PASSED, "a large file cancelled mid-file": SIGNAL_NOT_PASSED };

describeStoreSafetyContract("StoreView of a LocalStore", { contained: false, skip }, safetyFixture(false));
describeStoreSafetyContract("StoreView of a LocalStore contained beneath its root", {
  contained: true,
  skip: {
    ...skip,
  },
}, safetyFixture(true));
