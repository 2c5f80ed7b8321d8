// The Store safety contract over the session-backed Store (PeerStore): a push session on a module
// served in this process (peer-session.ts), whose module store is contained beneath its root.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { temporaryNameFor } from "../../src/domain/temp-name.ts";
import { serveModule } from "./peer-session.ts";
import { describeStoreSafetyContract, type SafetyFixture } from "./store-safety.contract.ts";

/** Who the daemon's store runs as while a directory is made unreadable, when the test runs as root. */
const NOBODY = 65534;

async function fixture(): Promise<SafetyFixture> {
  const served = await serveModule();
  const { base, root } = served;
  chmodSync(base, 0o755);
  const outside = join(base, "outside");
  mkdirSync(outside, { mode: 0o755 });
  writeFileSync(join(outside, "secret"), "secret", { mode: 0o644 });
  chmodSync(join(outside, "secret"), 0o644);
  const store = await served.open("push");
  return {
    store,
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
      // The daemon's store works in worker threads of this process: seteuid covers them too.
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
      writeFileSync(join(root, dir, name), "half a file");
      return name;
    },
    [Symbol.asyncDispose]: () => served[Symbol.asyncDispose](),
  };
}

describeStoreSafetyContract("PeerStore (push session, memory data plane)", {
  contained: true,
  skip: {
    "`..` never leads out":
      "a daemon ends the session at a client's first `..` path (SPEC §5, hostile peers: PATH_ESCAPE, then the session fails), so the case's later operations on one session cannot run; peer-store-escapes.test.ts checks each operation on a session of its own",
  },
}, fixture);
