import { describe, expect, test } from "bun:test";
import { decideDeletions, type DeletionGateInput } from "../../../src/domain/deletion-gate.ts";

const ok: DeletionGateInput = { scanComplete: true, failedEntries: 0, interrupted: false, planned: 3, maxDelete: null };

describe("decideDeletions", () => {
  test.each<[string, DeletionGateInput, { allowed: boolean; code?: string }]>([
    ["clean run deletes", ok, { allowed: true }],
    ["no deletions planned", { ...ok, planned: 0, maxDelete: 0 }, { allowed: true }],
    ["planned equal to max-delete", { ...ok, planned: 3, maxDelete: 3 }, { allowed: true }],
    ["planned above max-delete", { ...ok, planned: 4, maxDelete: 3 }, { allowed: false, code: "PARTIAL" }],
    ["max-delete 0 with one planned", { ...ok, planned: 1, maxDelete: 0 }, { allowed: false, code: "PARTIAL" }],
    ["a failed entry", { ...ok, failedEntries: 1 }, { allowed: false, code: "PARTIAL" }],
    ["an incomplete scan", { ...ok, scanComplete: false }, { allowed: false, code: "PARTIAL" }],
    ["a lost connection", { ...ok, interrupted: true }, { allowed: false, code: "PEER_CLOSED" }],
    [
      "a lost connection wins over failures",
      { ...ok, interrupted: true, failedEntries: 5, scanComplete: false },
      { allowed: false, code: "PEER_CLOSED" },
    ],
  ])("%s", (_label, input, expected) => {
    const decision = decideDeletions(input);
    const summary: { allowed: boolean; code?: string } = decision.allowed
      ? { allowed: true }
      : { allowed: false, code: decision.code };
    expect(summary).toEqual(expected);
  });

  test("the max-delete refusal names both numbers and the flag", () => {
    const decision = decideDeletions({ ...ok, planned: 12, maxDelete: 10 });
    const reason = decision.allowed ? "" : decision.reason;
    expect([reason.includes("12"), reason.includes("10"), reason.includes("--max-delete")]).toEqual([true, true, true]);
  });
});
