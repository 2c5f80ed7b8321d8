import { MemoryStore, MemoryTree } from "../../src/adapters/memory/index.ts";
import { describeStoreContract, type StoreFixture } from "./store.contract.ts";

const fixture = async (): Promise<StoreFixture> => {
  const tree = new MemoryTree();
  tree.mkdirs("dst");
  tree.mkdirs("src");
  const store = new MemoryStore(tree, "/dst");
  const source = new MemoryStore(tree, "/src");
  return {
    store,
    source,
    async seedFile(path, bytes) {
      tree.putFile(`src/${path}`, bytes.slice(), { mtimeNs: 1_650_000_000_123_456_789n, mode: 0o640 });
      return (await source.stat(path))!;
    },
    async rawNames(dir) {
      return [...(tree.find(`dst/${dir}`)?.children.keys() ?? [])].sort();
    },
    async [Symbol.asyncDispose]() {},
  };
};

describeStoreContract("MemoryStore", fixture);
