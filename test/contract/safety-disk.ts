// The on-disk half of a SafetyFixture (store-safety.contract.ts) for a store whose tree is the
// directory `root` on this machine: raw listings, symlinks, the `outside` directory it must never
// reach (made here, with its `secret`), a directory it cannot read, a temporary whose writer is gone.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { temporaryNameFor } from "../../src/domain/temp-name.ts";
import type { SafetyFixture } from "./store-safety.contract.ts";

/** Who the store runs as while a directory is made unreadable, when the test runs as root (root reads everything). */
const NOBODY = 65534;

export type DiskSide = Omit<SafetyFixture, "store" | typeof Symbol.asyncDispose>;

/** `outside` is created with its `secret` (text "secret", mode 0o644); its parent must be reachable by NOBODY. */
export function safetyDisk(root: string, outside: string): DiskSide {
  mkdirSync(outside, { mode: 0o755 });
  writeFileSync(join(outside, "secret"), "secret", { mode: 0o644 });
  chmodSync(join(outside, "secret"), 0o644);
  return {
    rawNames: async (dir) => readdirSync(join(root, dir)).sort(),
    symlink: async (path, target) => symlinkSync(target, join(root, path)),
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
      const abs = join(root, dir);
      mkdirSync(abs, { mode: 0o755 });
      chmodSync(abs, 0);
      // A store working in worker threads of this process: seteuid covers them too.
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
      writeFileSync(join(root, dir, name), "half a file");
      return name;
    },
  };
}
