// The Store safety contract over MemoryStore: it never follows a symlink, so it is contained.
import { MemoryStore, MemoryTree } from "../../src/adapters/memory/index.ts";
import { temporaryNameFor } from "../../src/domain/temp-name.ts";
import { describeStoreSafetyContract, type SafetyFixture } from "./store-safety.contract.ts";

const fixture = async (): Promise<SafetyFixture> => {
  const tree = new MemoryTree();
  tree.mkdirs("dst");
  tree.putFile("outside/secret", "secret", { mode: 0o644 });
  const store = new MemoryStore(tree, "/dst");
  const names = (dir: string) => [...(tree.find(dir)?.children.keys() ?? [])].sort();
  return {
    store,
    async rawNames(dir) {
      return names(`dst/${dir}`);
    },
    async symlink(path, target) {
      tree.putSymlink(`dst/${path}`, target);
    },
    outside: {
      path: "/outside",
      names: () => names("outside"),
      text: (name) => tree.text(`outside/${name}`) ?? "",
      stat: (name) => {
        const meta = tree.find(`outside/${name}`)!.meta;
        return { mode: meta.mode & 0o7777, mtimeMs: Number(meta.mtimeNs / 1_000_000n) };
      },
    },
    async unreadable(dir, run) {
      const n = tree.mkdirs(`dst/${dir}`);
      const meta = n.meta;
      n.meta = { ...meta, mode: 0 };
      try {
        return await run();
      } finally {
        n.meta = meta;
      }
    },
    async plantStaleTemporary(dir) {
      const name = temporaryNameFor("victim", "killedwriter");
      tree.putFile(`dst/${dir}/${name}`, "half a file");
      return name;
    },
    async [Symbol.asyncDispose]() {},
  };
};

describeStoreSafetyContract("MemoryStore", { contained: true }, fixture);
