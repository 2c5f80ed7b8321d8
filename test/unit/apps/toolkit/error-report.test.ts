import { expect, test } from "bun:test";
import { checkExitCode, errorJson, summaryExitCode } from "../../../../src/apps/toolkit/error-report.ts";
import { BlitError, type ErrorCode } from "../../../../src/domain/errors.ts";
import type { TransferSummary } from "../../../../src/domain/summary.ts";

const summary = (outcome: string, codes: ErrorCode[]): TransferSummary => ({ outcome, failures: codes.map((code) => ({ code })) }) as unknown as TransferSummary;

test.each<[string, string, ErrorCode[], number]>([
  ["success", "success", [], 0],
  ["a clean dry run", "dry-run", [], 0],
  ["only NO_SPACE failures", "partial", ["NO_SPACE", "NO_SPACE"], 10],
  ["only CORRUPT_DATA failures", "partial", ["CORRUPT_DATA"], 9],
  ["mixed failures", "partial", ["NO_SPACE", "PERMISSION_DENIED"], 8],
])("summaryExitCode: %s -> %d", (_label, outcome, codes, exit) => {
  expect(summaryExitCode(summary(outcome, codes))).toBe(exit);
});

test("checkExitCode: identical 0, differences 1", () => {
  expect([checkExitCode(true), checkExitCode(false)]).toEqual([0, 1]);
});

test("errorJson: a BlitError keeps its code, anything else is INTERNAL", () => {
  expect(errorJson(new BlitError("NOT_FOUND", "gone"))).toEqual({ code: "NOT_FOUND", message: "gone" });
  expect(errorJson(new TypeError("bug"))).toEqual({ code: "INTERNAL", message: "bug" });
});
