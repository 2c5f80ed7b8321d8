// The pacing of --bwlimit with an injected clock: the bytes let through by time t never exceed
// rate × t plus the burst, whatever the piece sizes.
import { describe, expect, test } from "bun:test";
import { TokenBucket } from "../../../src/domain/token-bucket.ts";

const MIB = 1024 * 1024;

describe("TokenBucket", () => {
  test("an idle bucket lets its burst through at once, then paces at the rate", () => {
    const b = new TokenBucket(MIB);
    expect(b.burstBytes).toBe(Math.floor(MIB * 0.05));
    expect(b.reserve(b.burstBytes, 1000)).toBe(0);
    expect(b.reserve(MIB / 2, 1000)).toBeCloseTo(500, 6);
    // Booked after the first half: the second half waits a second in all.
    expect(b.reserve(MIB / 2, 1000)).toBeCloseTo(1000, 6);
  });

  test("simulated over many pieces, the bytes moved by any moment stay within rate × t + burst", () => {
    const rate = 3 * MIB;
    const b = new TokenBucket(rate);
    let now = 0;
    let moved = 0;
    for (let i = 0; i < 2000; i++) {
      const n = 1 + ((i * 7919) % (256 * 1024));
      now += b.reserve(n, now) + (i % 5); // the caller waits as told, sometimes a little longer
      moved += n;
      expect(moved).toBeLessThanOrEqual((rate * now) / 1000 + b.burstBytes + 1);
    }
    // And it is a pace, not a stop: the average is close to the rate.
    expect(moved / (now / 1000)).toBeGreaterThan(rate * 0.9);
  });

  test("time idle beyond the burst is not saved up", () => {
    const b = new TokenBucket(MIB);
    b.reserve(MIB, 0);
    expect(b.reserve(b.burstBytes, 60_000)).toBe(0);
    expect(b.reserve(MIB, 60_000)).toBeCloseTo(1000, 6);
  });

  test("slices are a quarter second of the rate, at most 64 KiB; a rate must be positive", () => {
    expect(new TokenBucket(4096).sliceBytes).toBe(1024);
    expect(new TokenBucket(100 * MIB).sliceBytes).toBe(64 * 1024);
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});
