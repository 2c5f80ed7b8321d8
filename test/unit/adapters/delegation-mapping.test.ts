// DelegatedPull on the wire: a request and every kind of event survive encoding and decoding with
// the real schema, including the values where 0 and "absent" differ (--max-delete 0, --max-size 0,
// an empty --files-from list) and names that are not UTF-8.
import { expect, test } from "bun:test";
import { fromWireDelegatedPull, fromWireDelegationEvent, toWireDelegatedPull, toWireDelegationEvent } from "../../../src/adapters/grpc/delegation-mapping.ts";
import { BLIT_SERVICE } from "../../../src/adapters/grpc/wire-schema.ts";
import type { DelegatedPull, DelegationEvent } from "../../../src/ports/delegation.ts";

const method = BLIT_SERVICE.DelegatedPull!;
const overRequest = (w: object) => method.requestDeserialize(method.requestSerialize(w));
const overReply = (w: object) => method.responseDeserialize(method.responseSerialize(w));

const PULL: DelegatedPull = {
  source: { host: "2001:db8::1", port: 9031, target: { module: "a", path: "dir/f\\xffx" }, contentsOnly: true },
  destination: { target: { module: null, path: "sub" }, trailingSlash: true },
  options: {
    verb: "mirror",
    compare: "checksum",
    ignoreExisting: true,
    filter: { rules: [{ type: "exclude", pattern: "*.tmp" }, { type: "include", pattern: "keep/" }], filesFrom: [], minSize: 10, maxSize: 0 },
    dryRun: true,
    maxDelete: 0,
    resume: true,
    forceGrpcData: true,
  },
};

test("a request round-trips", () => {
  expect(fromWireDelegatedPull(overRequest(toWireDelegatedPull(PULL)))).toEqual(PULL);
  const plain = { ...PULL, options: { ...PULL.options, filter: { rules: [], filesFrom: null, minSize: null, maxSize: null }, maxDelete: null } };
  expect(fromWireDelegatedPull(overRequest(toWireDelegatedPull(plain)))).toEqual(plain);
});

test.each<[string, DelegationEvent]>([
  ["progress", { t: "progress", snapshot: { phase: "copy", filesDone: 1, filesPlanned: 4, bytesDone: 100, bytesPlanned: 300, bytesPerSec: 50, etaSec: 4, current: "a/b", scanComplete: true } }],
  ["warning", { t: "warning", message: "skipped special file fifo" }],
  ["item", { t: "item", action: "delete", path: "old\\xfe" }],
  [
    "summary",
    {
      t: "summary",
      summary: {
        transport: "grpc",
        files_examined: 5,
        files_transferred: 3,
        files_skipped: 1,
        bytes_transferred: 1234,
        entries_deleted: 2,
        sources_removed: 4,
        files_failed: 1,
        failures: [{ path: "bad", error: "permission denied", code: "PERMISSION_DENIED" }],
        duration_ms: 42,
        bytes_per_sec: 29381,
        zero_copy_bytes: 1000,
        fallback_reason: "data port unreachable",
        outcome: "partial",
      },
    },
  ],
])("a %s event round-trips", (_name, event) => {
  expect(fromWireDelegationEvent(overReply(toWireDelegationEvent(event)))).toEqual(event);
});
