import { expect, test } from "bun:test";
import { withRetry } from "../../../../src/apps/toolkit/retry.ts";
import { BlitError, type ErrorCode } from "../../../../src/domain/errors.ts";

/** A function failing with `codes` in turn, then answering "ok"; counts its calls. */
function flaky(codes: ErrorCode[]) {
  const state = { calls: 0 };
  const run = async (suffix: string): Promise<string> => {
    const code = codes[state.calls++];
    if (code !== undefined) throw new BlitError(code, `failure ${state.calls}`);
    return `ok${suffix}`;
  };
  return { run, state };
}

const policy = (retries: number, signal = new AbortController().signal, told: string[] = []) => ({
  retries,
  waitSec: 0,
  signal,
  onRetry: (e: Error, retry: number, of: number) => told.push(`${e.message} ${retry}/${of}`),
});

test("a transient failure is re-run, with the same arguments, and each re-run is told", async () => {
  const { run, state } = flaky(["UNREACHABLE", "PEER_CLOSED"]);
  const told: string[] = [];
  expect(await withRetry(run, policy(2, undefined, told))("!")).toBe("ok!");
  expect([state.calls, told]).toEqual([3, ["failure 1 1/2", "failure 2 2/2"]]);
});

test("the last transient failure is thrown once the retries are spent", async () => {
  const { run, state } = flaky(["UNREACHABLE", "UNREACHABLE"]);
  await expect(withRetry(run, policy(1))("")).rejects.toThrow("failure 2");
  expect(state.calls).toBe(2);
});

test("a failure that is not transient is never re-run", async () => {
  const { run, state } = flaky(["NOT_FOUND"]);
  await expect(withRetry(run, policy(5))("")).rejects.toThrow("failure 1");
  expect(state.calls).toBe(1);
});

test("an aborted signal stops the re-runs", async () => {
  const controller = new AbortController();
  controller.abort();
  const { run, state } = flaky(["UNREACHABLE"]);
  await expect(withRetry(run, policy(5, controller.signal))("")).rejects.toThrow("failure 1");
  expect(state.calls).toBe(1);
});
