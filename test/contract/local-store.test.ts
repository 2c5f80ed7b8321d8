import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStore } from "../../src/adapters/local/index.ts";
import { describeStoreContract, type StoreFixture } from "./store.contract.ts";

const fixture = (beneath: boolean) => async (): Promise<StoreFixture> => {
  const base = mkdtempSync(join(tmpdir(), "blit-store-"));
  const [dst, src] = [join(base, "dst"), join(base, "src")];
  for (const d of [dst, src]) rmSync(d, { recursive: true, force: true });
  await Bun.$`mkdir -p ${dst} ${src}`;
  const store = new LocalStore({ root: dst, cleanTemporaries: true, maxThreads: null, beneath });
  const source = new LocalStore({ root: src, cleanTemporaries: false, maxThreads: null });
  return {
    store,
    source,
    async seedFile(path, bytes) {
      writeFileSync(join(src, path), bytes);
      const st = statSync(join(src, path), { bigint: true });
      return { kind: "file", size: bytes.length, mtimeNs: st.mtimeNs, mode: Number(st.mode & 0o7777n), uid: 0, gid: 0 };
    },
    async rawNames(dir) {
      return readdirSync(join(dst, dir)).sort();
    },
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      await source[Symbol.asyncDispose]();
      rmSync(base, { recursive: true, force: true });
    },
  };
};

describeStoreContract("LocalStore", fixture(false));
describeStoreContract("LocalStore contained beneath its root", fixture(true));
