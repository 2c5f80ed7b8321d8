import { describe, expect, test } from "bun:test";
import { RESUME_BLOCK_BYTES, sharedPrefix } from "../../../src/domain/resume-prefix.ts";

const h = (n: number) => new Uint8Array(32).fill(n);
const B = RESUME_BLOCK_BYTES;

describe("sharedPrefix (--resume across stores)", () => {
  test("counts leading equal blocks and stops at the first difference", () => {
    expect(sharedPrefix([h(1), h(2), h(3)], [h(1), h(2), h(9)], 3 * B)).toBe(2 * B);
    expect(sharedPrefix([h(1), h(2)], [h(7), h(2)], 2 * B)).toBe(0);
  });
  test("never exceeds the source size; a missing or empty destination shares nothing", () => {
    expect(sharedPrefix([h(1), h(2)], [h(1), h(2), h(3)], B + 10)).toBe(B + 10);
    expect(sharedPrefix([h(1)], [], B)).toBe(0);
    expect(sharedPrefix([], [h(1)], 0)).toBe(0);
  });
  test("an empty hash is never equal (a store that could not hash)", () => {
    expect(sharedPrefix([new Uint8Array()], [new Uint8Array()], B)).toBe(0);
  });
});
