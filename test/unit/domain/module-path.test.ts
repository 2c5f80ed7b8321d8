import { describe, expect, test } from "bun:test";
import { isBlitError } from "../../../src/domain/errors.ts";
import { resolveModulePath, type ModuleAccess } from "../../../src/domain/module-path.ts";

const WRITABLE = { label: "module 'data'", readOnly: false };
const READ_ONLY = { label: "module 'data'", readOnly: true };

function codeOf(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (e) {
    return isBlitError(e) ? e.code : "not a BlitError";
  }
}

describe("resolveModulePath", () => {
  test.each<[string, string]>([
    ["", ""],
    [".", ""],
    ["a", "a"],
    ["a/b/c", "a/b/c"],
    ["a//b/", "a/b"],
    ["./a/./b", "a/b"],
    ["a/../b", "b"],
    ["a/b/../..", ""],
    ["%2e%2e", "%2e%2e"],
    ["%2e%2e/%2F/etc", "%2e%2e/%2F/etc"],
    ["...", "..."],
    ["..a/b..", "..a/b.."],
    ["caf\u00e9/\udcff", "caf\u00e9/\udcff"],
  ])("%p resolves to %p", (raw, expected) => {
    expect(resolveModulePath(raw, WRITABLE, "write") as string).toBe(expected);
  });

  test.each<[string, string]>([
    ["..", "through '..'"],
    ["../x", "through '..'"],
    ["a/../../x", "through '..'"],
    ["a/b/../../../etc/passwd", "through '..'"],
    ["/etc", "absolute"],
    ["/", "absolute"],
    ["//etc", "absolute"],
    ["a\0b", "NUL byte"],
    ["a\\..\\..\\x", "backslash"],
    ["..\\x", "backslash"],
  ])("%p is PATH_ESCAPE (%s)", (raw, why) => {
    expect(codeOf(() => resolveModulePath(raw, WRITABLE, "read"))).toBe("PATH_ESCAPE");
    let message = "";
    try {
      resolveModulePath(raw, WRITABLE, "read");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(why);
    expect(message).toContain("module 'data'");
  });

  test.each<[ModuleAccess, boolean, string]>([
    ["read", false, "ok"],
    ["write", false, "ok"],
    ["read", true, "ok"],
    ["write", true, "READ_ONLY"],
  ])("%s on a module with readOnly=%p -> %s", (access, readOnly, expected) => {
    expect(codeOf(() => resolveModulePath("a/b", readOnly ? READ_ONLY : WRITABLE, access))).toBe(expected);
  });

  test("containment is checked before read-only: an escape is PATH_ESCAPE on any module", () => {
    expect(codeOf(() => resolveModulePath("../x", READ_ONLY, "write"))).toBe("PATH_ESCAPE");
  });
});
