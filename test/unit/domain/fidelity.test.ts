import { expect, test } from "bun:test";
import { BlitError } from "../../../src/domain/errors.ts";
import { fidelityLoss, LossesOncePerKind, lossKind, sameXattrs, type Xattr } from "../../../src/domain/fidelity.ts";

test("a loss carries UNSUPPORTED and its kind; other errors are no loss", () => {
  const loss = fidelityLoss("acls", "the destination filesystem does not hold POSIX ACLs: not kept on a", { path: "a" });
  expect([loss.code, loss.details]).toEqual(["UNSUPPORTED", { path: "a", kind: "acls" }]);
  expect(lossKind(loss)).toBe("acls");
  expect(lossKind(new BlitError("UNSUPPORTED", "x", { kind: "colour" }))).toBeNull();
  expect(lossKind(new BlitError("NO_SPACE", "x", { kind: "xattrs" }))).toBeNull();
  expect(lossKind(new Error("x"))).toBeNull();
});

test("one warning per kind, every loss counted", () => {
  const losses = new LossesOncePerKind();
  const warnings = [
    fidelityLoss("xattrs", "the destination filesystem does not hold extended attributes: not kept on a"),
    fidelityLoss("xattrs", "the destination filesystem does not hold extended attributes: not kept on b"),
    new BlitError("PERMISSION_DENIED", "cannot write c"),
    fidelityLoss("hard-links", "cannot link d to e: its link count is at the filesystem's limit"),
    fidelityLoss("xattrs", "the destination cannot hold attribute user.big (no room for it): not kept on f"),
  ].map((e) => losses.note(e));
  expect(warnings).toEqual([
    "the destination filesystem does not hold extended attributes: not kept on a (further losses of extended attributes are not reported one by one)",
    null,
    null,
    "cannot link d to e: its link count is at the filesystem's limit (further losses of hard links are not reported one by one)",
    null,
  ]);
  expect(losses.totals).toEqual({ xattrs: 3, "hard-links": 1 });
});

test("attribute lists are equal by names and value bytes", () => {
  const v = (...b: number[]) => new Uint8Array(b);
  const a: Xattr[] = [["user.a", v(1, 2)], ["user.b", v()]];
  expect(sameXattrs(a, [["user.a", v(1, 2)], ["user.b", v()]])).toBe(true);
  expect(sameXattrs([], [])).toBe(true);
  expect(sameXattrs(a, [["user.a", v(1, 3)], ["user.b", v()]])).toBe(false);
  expect(sameXattrs(a, [["user.a", v(1, 2)], ["user.c", v()]])).toBe(false);
  expect(sameXattrs(a, [["user.a", v(1, 2)]])).toBe(false);
  expect(sameXattrs(a, [["user.a", v(1, 2)], ["user.b", v(0)]])).toBe(false);
});
