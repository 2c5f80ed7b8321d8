// The Store safety contract over the session-backed Store (PeerStore): a push session on a module
// served in this process (peer-session.ts), whose module store is contained beneath its root.
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { serveModule } from "./peer-session.ts";
import { safetyDisk } from "./safety-disk.ts";
import { describeStoreSafetyContract, type SafetyFixture } from "./store-safety.contract.ts";

async function fixture(): Promise<SafetyFixture> {
  const served = await serveModule();
  const { base, root } = served;
  chmodSync(base, 0o755);
  const disk = safetyDisk(root, join(base, "outside"));
  const store = await served.open("push");
  return { store, ...disk, [Symbol.asyncDispose]: () => served[Symbol.asyncDispose]() };
}

describeStoreSafetyContract("PeerStore (push session, memory data plane)", {
  contained: true,
  skip: {
    "`..` never leads out":
      "a daemon ends the session at a client's first `..` path (SPEC §5, hostile peers: PATH_ESCAPE, then the session fails), so the case's later operations on one session cannot run; peer-store-escapes.test.ts checks each operation on a session of its own",
  },
}, fixture);
