// The Store contracts over StoreView (src/apps/engine/store-view.ts): directory `dst` of a
// LocalStore as a Store of its own, plain and contained beneath the inner store's root.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { StoreView } from "../../src/apps/engine/store-view.ts";
import { safetyDisk } from "./safety-disk.ts";
import { describeStoreSafetyContract, type SafetyFixture } from "./store-safety.contract.ts";
import { describeStoreContract, type StoreFixture } from "./store.contract.ts";

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
  const disk = safetyDisk(dst, join(inner, "outside"));
  return {
    store: view,
    ...disk,
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
