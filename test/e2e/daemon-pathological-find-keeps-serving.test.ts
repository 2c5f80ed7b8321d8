// SPEC §5 (hostile peers): a find pattern that makes a backtracking matcher explode runs in linear
// time and never stalls the daemon: another client's ls is answered within a second meanwhile.
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GrpcControlClient } from "../../src/adapters/grpc/index.ts";
import { startDaemon } from "../harness/daemon.ts";
import { makeTempDir } from "../harness/temp-tree.ts";

const PATTERN = `${"*a".repeat(24)}*b`;
const LS_DEADLINE_MS = 1000;

/** Resolves with the time `call` took, or rejects once `ms` passed without an answer. */
async function timed(call: () => Promise<unknown>, ms: number): Promise<number> {
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([call(), late]);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - start;
}

test("find --pattern '*a*a…*b' finishes, and ls from another client is answered within a second during it", async () => {
  await using dir = makeTempDir("blit-find-");
  const root = join(dir.path, "m");
  mkdirSync(join(root, "sub"), { recursive: true });
  for (let i = 0; i < 20; i++) writeFileSync(join(root, i % 2 === 0 ? "" : "sub", `${"a".repeat(80)}${i}`), "x");
  writeFileSync(join(root, `${"a".repeat(30)}b`), "x");
  await using daemon = await startDaemon({ modules: { m: { path: root } } });
  const finder = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  const other = new GrpcControlClient({ host: daemon.host, port: daemon.port, tls: daemon.tls });
  try {
    const found: string[] = [];
    let finished = false;
    const finding = (async () => {
      for await (const f of finder.find({ target: { module: "m", path: "" }, pattern: PATTERN, kind: "any", limit: 0 })) found.push(f.path);
      finished = true;
    })();
    const times: number[] = [];
    for (let i = 0; i < 5 && !finished; i++) {
      times.push(await timed(() => other.list({ module: "m", path: "sub" }), LS_DEADLINE_MS));
    }
    await finding;
    expect(found).toEqual([`${"a".repeat(30)}b`]);
    expect(times.every((t) => t < LS_DEADLINE_MS)).toBe(true);
  } finally {
    await finder[Symbol.asyncDispose]();
    await other[Symbol.asyncDispose]();
  }
}, 60_000);
