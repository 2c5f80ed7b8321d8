import { describe, expect, test } from "bun:test";
import { type BlitError, isBlitError } from "../../../src/domain/errors.ts";
import { checkName, checkPath, isPeerViolation, resolveBelow, unchecked } from "../../../src/domain/peer-path.ts";
import { wireText } from "../../../src/domain/rel-path.ts";

function refusal(run: () => unknown): BlitError | null {
  try {
    run();
    return null;
  } catch (e) {
    return isBlitError(e) ? e : null;
  }
}

describe("checkName: a name from a peer is one path component", () => {
  test.each(["a", "...", "..a", "a..", "caf\u00e9", "n\udce9", "%2e%2e", " ", "-"])("%p passes", (name) => {
    expect(checkName(unchecked(name), "the daemon") as string).toBe(name);
  });

  test.each<[string, string]>([
    ["", "is empty"],
    [".", "name '.':"],
    ["..", "name '..':"],
    ["a/../../x", "contains '/'"],
    ["/abs", "contains '/'"],
    ["a/", "contains '/'"],
    ["x\0y", "contains a NUL byte"],
  ])("%p is refused (%s), as a peer violation naming the name", (name, why) => {
    const e = refusal(() => checkName(unchecked(name), "the daemon (h:9031:/m/)"));
    expect(e?.code).toBe("PATH_ESCAPE");
    expect(e !== null && isPeerViolation(e)).toBe(true);
    expect(e?.message).toContain(why);
    expect(e?.message).toContain("the daemon (h:9031:/m/)");
    expect(e?.message).not.toContain("\0");
  });
});

describe("checkPath: a peer's path resolves beneath its root", () => {
  test.each(["", ".", "./", "a/..", "./.", "a/b/../..", "a//../"])("%p is the root itself", (raw) => {
    expect(checkPath(unchecked(raw), "module 'm'") as string).toBe("");
  });

  test.each<[string, string]>([
    ["a/./b//c/", "a/b/c"],
    ["a/../b", "b"],
    ["n\udce9/x", "n\udce9/x"],
  ])("%p is %p", (raw, expected) => {
    expect(checkPath(unchecked(raw), "module 'm'") as string).toBe(expected);
  });

  test.each(["..", "../x", "a/../../x", "/etc", "a\0b", "a\\b"])("%p is refused", (raw) => {
    const e = refusal(() => checkPath(unchecked(raw), "module 'm'"));
    expect(e?.code).toBe("PATH_ESCAPE");
    expect(e?.message).toContain("module 'm'");
  });

  test("a non-UTF-8 byte is shown escaped in the message", () => {
    expect(refusal(() => checkPath(unchecked("../caf\udce9"), "module 'm'"))?.message).toContain("caf\\xe9");
  });
});

describe("wireText: error text that valid UTF-8 can carry", () => {
  test.each<[string, string]>([
    ["plain text", "plain text"],
    ["caf\u00e9 \u{1f600}", "caf\u00e9 \u{1f600}"],
    ["cannot list m:/caf\udce9", "cannot list m:/caf\\xe9"],
    ["lone \ud800 high", "lone \\ud800 high"],
    ["lone \udc00 low", "lone \\udc00 low"],
  ])("%p -> %p", (text, expected) => {
    expect(wireText(text)).toBe(expected);
  });
});

describe("resolveBelow (--link-dest, --backup-dir)", () => {
  test("relative to the base, or to the root with a leading /; null above the root", () => {
    expect(resolveBelow("backups/n2", "../n1")).toBe("backups/n1");
    expect(resolveBelow("backups/n2", "old")).toBe("backups/n2/old");
    expect(resolveBelow("backups/n2", "/snap/./x/")).toBe("snap/x");
    expect(resolveBelow("", "a/../b")).toBe("b");
    expect(resolveBelow("backups/n2", "../../..")).toBeNull();
    expect(resolveBelow("n2", "/../x")).toBeNull();
    expect(resolveBelow("backups/n2", "../..")).toBe("");
  });
});
