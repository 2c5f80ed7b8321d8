import { describe, expect, test } from "bun:test";
import { isBlitError } from "../../../src/domain/errors.ts";
import { encodeNameBytes } from "../../../src/domain/rel-path.ts";
import { isTemporaryName, MAX_NAME_BYTES, TEMP_PREFIX, temporaryNameFor } from "../../../src/domain/temp-name.ts";

describe("isTemporaryName", () => {
  test.each<[string, boolean]>([
    [".blit-tmp-abc-file.txt", true],
    [TEMP_PREFIX, true],
    [".blit-tmp", false],
    ["x.blit-tmp-abc-file", false],
    ["file.txt", false],
  ])("%p → %p", (name, expected) => {
    expect(isTemporaryName(name)).toBe(expected);
  });
});

describe("temporaryNameFor", () => {
  test("short names are kept whole", () => {
    expect(temporaryNameFor("report.pdf", "k3.1")).toBe(".blit-tmp-k3.1-report.pdf");
  });

  test.each<[string, string]>([
    ["ascii", "a".repeat(255)],
    ["2-byte", "é".repeat(200)],
    ["3-byte", "語".repeat(100)],
    ["4-byte (surrogate pairs)", "😀".repeat(80)],
    ["escaped bytes", "\udcff".repeat(255)],
    ["mixed", `${"a".repeat(230)}😀語é\udc80`.repeat(2)],
  ])("%s names are cut to fit 255 bytes", (_label, name) => {
    const temp = temporaryNameFor(name, "tok");
    const bytes = encodeNameBytes(temp).length;
    const kept = temp.slice(`${TEMP_PREFIX}tok-`.length);
    expect({
      fits: bytes <= MAX_NAME_BYTES,
      nearlyFull: bytes > MAX_NAME_BYTES - 4,
      isPrefix: name.startsWith(kept),
      temporary: isTemporaryName(temp),
    }).toEqual({ fits: true, nearlyFull: true, isPrefix: true, temporary: true });
  });

  test("a surrogate pair is never split", () => {
    const name = "😀".repeat(80);
    const kept = temporaryNameFor(name, "tok").slice(`${TEMP_PREFIX}tok-`.length);
    expect(kept.length % 2).toBe(0);
  });

  test.each(["", "a-b", "a/b", "x".repeat(250)])("token %p is an INTERNAL error", (token) => {
    let caught: unknown;
    try {
      temporaryNameFor("f", token);
    } catch (e) {
      caught = e;
    }
    expect(isBlitError(caught) ? caught.code : caught).toBe("INTERNAL");
  });
});
