import { describe, expect, test } from "bun:test";
import { isBlitError } from "../../../src/domain/errors.ts";
import { parseSize } from "../../../src/domain/size.ts";

describe("parseSize", () => {
  test.each<[string, number]>([
    ["0", 0],
    ["123", 123],
    ["10K", 10 * 1024],
    ["10k", 10 * 1024],
    ["10KiB", 10 * 1024],
    ["10kib", 10 * 1024],
    ["10KB", 10 * 1000],
    ["10kb", 10 * 1000],
    ["1.5M", 1.5 * 1024 ** 2],
    ["1.5MB", 1.5 * 1000 ** 2],
    ["2G", 2 * 1024 ** 3],
    ["2GiB", 2 * 1024 ** 3],
    ["1T", 1024 ** 4],
    ["1P", 1024 ** 5],
    ["7B", 7],
    ["7b", 7],
    ["0.5K", 512],
    ["1.1K", 1126],
    [".5K", 512],
    ["10 K", 10 * 1024],
    [" 42 ", 42],
  ])("%p = %p bytes", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each(["", "K", "-1", "10X", "10KK", "1e3", "10iB", "abc", "1.2.3", "99999999P", "0x10"])(
    "%p is a USAGE error naming the flag and value",
    (text) => {
      let caught: unknown;
      try {
        parseSize(text, "--min-size");
      } catch (e) {
        caught = e;
      }
      expect(isBlitError(caught) && { code: caught.code, details: caught.details }).toEqual({
        code: "USAGE",
        details: { flag: "--min-size", value: text },
      });
    },
  );
});
