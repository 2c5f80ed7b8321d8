// The local adapter reads the umask without changing it: process.umask() sets it to 0 and back, and
// a file another thread (a pool worker) creates in between gets the bits the umask should clear —
// seen as a source file created 0666 while a worker loaded fs-write.ts. strace counts umask calls.
import { expect, test } from "bun:test";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");
const strace = Bun.which("strace");

test.skipIf(strace === null)("loading the local store's write path makes no umask call (needs strace)", () => {
  const run = Bun.spawnSync([strace!, "-f", "-e", "trace=umask", "bun", "-e", 'await import("./src/adapters/local/fs-write.ts")'], { cwd: ROOT, stderr: "pipe", stdout: "pipe" });
  expect(run.exitCode).toBe(0);
  const calls = run.stderr.toString().split("\n").filter((l) => /\bumask\(/.test(l));
  expect(calls).toEqual([]);
});
