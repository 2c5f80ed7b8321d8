// SPEC §3 / issue 11: two runs writing into the same or an overlapping destination never interleave.
// blit's choice: the second run is refused at once (exit 7, retryable: `--retry N --wait SECS`
// waits for the first), naming the destination and changing nothing; the first one completes and
// the destination is exactly its source. Locally and into one daemon module.
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../harness/daemon.ts";
import { pollUntil, bigTree, temporariesUnder } from "../harness/process-probe.ts";
import { BLIT, REPO_ROOT, runCli, type CliResult } from "../harness/run-cli.ts";
import { makeTempDir } from "../harness/temp-tree.ts";
import { expectTreesEqual } from "../harness/tree-compare.ts";

const BIG = 768 << 20; // allocated zeros: keeps the first mirror busy while the others start

/** Source A (a big file first, so a temporary shows it is under way) and source B, disjoint names. */
function sources(root: string): { a: string; b: string } {
  const a = join(root, "a");
  const b = join(root, "b");
  bigTree(a, BIG);
  mkdirSync(b, { recursive: true });
  for (let i = 0; i < 20; i++) writeFileSync(join(b, `b${i}.txt`), `from b ${i}`);
  return { a, b };
}

/** Runs the first mirror, and `second` once the first is writing; returns both outcomes. */
async function race(first: string[], watch: string, second: () => Promise<CliResult[]>): Promise<{ first: number; others: CliResult[] }> {
  const run = Bun.spawn([BLIT, ...first], { cwd: REPO_ROOT, env: { ...process.env, BLIT_DISABLE_LOCAL_TELEMETRY: "1" }, stdout: "ignore", stderr: "ignore" });
  try {
    const underWay = await pollUntil(() => (temporariesUnder(watch).length > 0 ? true : run.exitCode !== null ? false : undefined), "the first mirror under way", 30_000);
    if (!underWay) throw new Error("the first mirror ended before the others started: make BIG larger");
    const others = await second();
    return { first: await run.exited, others };
  } finally {
    run.kill();
  }
}

const refused = (r: CliResult): { exit: number; says: boolean } => ({ exit: r.exitCode, says: r.stderr.includes("another blit run is writing into") });
const REFUSED = { exit: 7, says: true };

test.concurrent("local: a second mirror into the destination, or inside it, is refused; the first lands whole", async () => {
  using tmp = makeTempDir("concurrent-mirror-local");
  const { a, b } = sources(tmp.path);
  const dst = join(tmp.path, "dst");
  mkdirSync(dst);
  const r = await race(["mirror", "--yes", `${a}/`, dst], dst, () =>
    Promise.all([runCli(["mirror", "--yes", `${b}/`, dst]), runCli(["mirror", "--yes", `${b}/`, join(dst, "sub")]), runCli(["copy", join(b, "b1.txt"), `${dst}/`])]),
  );
  expect({ first: r.first, others: r.others.map(refused) }).toEqual({ first: 0, others: [REFUSED, REFUSED, REFUSED] });
  expectTreesEqual(a, dst, { ignoreRoot: true });
}, 120_000);

test.concurrent("push: a second mirror into the same module directory is refused; the first lands whole", async () => {
  using tmp = makeTempDir("concurrent-mirror-push");
  const { a, b } = sources(tmp.path);
  const mod = join(tmp.path, "mod");
  mkdirSync(join(mod, "dst"), { recursive: true });
  await using daemon = await startDaemon({ modules: { m: { path: mod } } });
  const url = `${daemon.control}:/m/dst/`;
  const r = await race(["mirror", "--yes", `${a}/`, url], mod, () => Promise.all([runCli(["mirror", "--yes", `${b}/`, url]), runCli(["mirror", "--yes", `${b}/`, join(mod, "dst")])]));
  expect({ first: r.first, others: r.others.map(refused) }).toEqual({ first: 0, others: [REFUSED, REFUSED] });
  expectTreesEqual(a, join(mod, "dst"), { ignoreRoot: true });
}, 120_000);
