import { expect, test } from "bun:test";
import { formatCount } from "../../../src/apps/cli/summary-print.ts";

test.each<[number, string]>([
  [0, "0"],
  [7, "7"],
  [999, "999"],
  [1000, "1,000"],
  [12345, "12,345"],
  [100000, "100,000"],
  [1234567, "1,234,567"],
  [999.6, "1,000"],
  [-1234, "-1,234"],
])("formatCount(%d) is %s", (n, text) => {
  expect(formatCount(n)).toBe(text);
});
