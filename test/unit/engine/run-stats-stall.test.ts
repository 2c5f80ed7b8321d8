// SPEC §4: the stall detector aborts a run when nothing moved for 10 s, naming the phase and path;
// any movement (an entry, a byte) restarts the count; --timeout sets the window (0: never). The
// clock is injected; the timer is real.
import { expect, test } from "bun:test";
import { RunStats, STALL_MS } from "../../../src/apps/engine/run-stats.ts";
import type { BlitError } from "../../../src/domain/errors.ts";

function harness(stallMs?: number) {
  let t = 0;
  let ticks = 0;
  const waiters: (() => void)[] = [];
  const reporter = {
    progress() {
      ticks++;
      waiters.splice(0).forEach((w) => w());
    },
    item() {},
    warn() {},
  };
  const stats = new RunStats(() => t, reporter, stallMs);
  /** Resolves after `n` more timer ticks (bounded by the test timeout). */
  const ticksPass = async (n: number) => {
    const target = ticks + n;
    while (ticks < target) await new Promise<void>((r) => waiters.push(r));
  };
  return { stats, ticksPass, advance: (ms: number) => void (t += ms) };
}

test("nothing moving for 10 s is STALLED, naming the phase and the path", async () => {
  const { stats, ticksPass, advance } = harness();
  const stalls: BlitError[] = [];
  stats.phase = "copy";
  stats.start((e) => stalls.push(e));
  try {
    stats.touch("dir/big.bin");
    await ticksPass(1);
    advance(STALL_MS + 1);
    await ticksPass(1);
    expect(stalls.map((e) => e.code)).toEqual(["STALLED"]);
    expect(stalls[0]!.message).toContain("copy");
    expect(stalls[0]!.message).toContain("dir/big.bin");
  } finally {
    stats.stop();
  }
}, 5000);

test("movement within the window keeps the run alive", async () => {
  const { stats, ticksPass, advance } = harness();
  const stalls: BlitError[] = [];
  stats.start((e) => stalls.push(e));
  try {
    for (let i = 0; i < 3; i++) {
      advance(STALL_MS - 1000);
      stats.touch(`f${i}`);
      await ticksPass(1);
    }
    expect(stalls).toEqual([]);
  } finally {
    stats.stop();
  }
}, 5000);

test("--timeout: the window given is the window; 0 never stalls", async () => {
  for (const [window, advanceMs, expected] of [[2000, 2001, ["no progress for 2 s in the scan phase"]], [0, 10 * STALL_MS, []]] as const) {
    const { stats, ticksPass, advance } = harness(window);
    const stalls: BlitError[] = [];
    stats.start((e) => stalls.push(e));
    try {
      await ticksPass(1);
      advance(advanceMs);
      await ticksPass(1);
      expect(stalls.map((e) => e.message)).toEqual([...expected]);
    } finally {
      stats.stop();
    }
  }
}, 5000);
