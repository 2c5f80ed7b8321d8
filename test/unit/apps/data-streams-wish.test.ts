// The client's predictor chooses data-plane streams (SPEC §4 adaptive); the wish travels in the
// session header (Capabilities.max_streams) and the daemon honours it within its cap.
import { expect, test } from "bun:test";
import { availableParallelism } from "node:os";
import { fromWireHeader, toWireHeader } from "../../../src/adapters/grpc/session-mapping.ts";
import { streamsFor } from "../../../src/apps/daemon/daemon-sessions.ts";
import type { SessionHeader } from "../../../src/ports/session.ts";

const header = (maxStreams?: number): SessionHeader => ({
  role: "push",
  root: { module: "m", path: "" },
  move: false,
  forceGrpcData: false,
  ...(maxStreams === undefined ? {} : { maxStreams }),
});

test.each([0, 1, 3, 8])("a wish of %d streams crosses the wire unchanged", (n) => {
  const wire = toWireHeader(header(n)) as { header: Record<string, unknown> };
  expect(fromWireHeader(wire.header as never, "push").maxStreams).toBe(n);
});

test("the daemon takes the wish within its cap, and decides itself without one", () => {
  const cap = Math.max(Math.max(2, Math.min(4, availableParallelism())), Math.min(8, 2 * availableParallelism()));
  expect(streamsFor(header(1))).toBe(1);
  expect(streamsFor(header(2))).toBe(2);
  expect(streamsFor(header(1000))).toBe(cap);
  expect(streamsFor(header())).toBe(Math.max(2, Math.min(4, availableParallelism())));
  expect(streamsFor(header(0))).toBe(Math.max(2, Math.min(4, availableParallelism())));
});
