// SPEC §6 remote→remote: when the CLI offers a transfer to the destination daemon as a delegated
// pull, and when it relays instead. The daemon's answers come from a scripted DelegationClient
// (a real one needs two daemons: see test/e2e/remote-delegat*.test.ts).
import { expect, test } from "bun:test";
import { delegate } from "../../../src/apps/engine/delegation.ts";
import type { EngineDeps } from "../../../src/apps/engine/engine-deps.ts";
import type { TransferRequest } from "../../../src/apps/engine/transfer-request.ts";
import { BlitError } from "../../../src/domain/errors.ts";
import { NO_FILTER_OPTIONS } from "../../../src/domain/filter.ts";
import type { DelegatedPull, DelegatedSummary, DelegationEvent } from "../../../src/ports/delegation.ts";

const SUMMARY: DelegatedSummary = {
  transport: "tcp",
  files_examined: 2,
  files_transferred: 1,
  files_skipped: 1,
  bytes_transferred: 5,
  entries_deleted: 0,
  sources_removed: 0,
  files_failed: 0,
  files_verified: 0,
  files_resent: 0,
  failures: [],
  duration_ms: 3,
  bytes_per_sec: 1000,
  zero_copy_bytes: 0,
  fallback_reason: null,
  outcome: "success",
};

function request(source: string, destination: string): TransferRequest {
  return { verb: "copy", source, destination, compare: "quick", ignoreExisting: false, filter: NO_FILTER_OPTIONS, dryRun: false, maxDelete: 0, resume: false, maxThreads: null };
}

/** Engine deps whose delegation client plays `script` (events, then an optional error). */
function deps(script: { events?: DelegationEvent[]; error?: BlitError }) {
  const seen: { asked: DelegatedPull[]; warnings: string[]; items: string[] } = { asked: [], warnings: [], items: [] };
  const client = {
    async *delegatedPull(_address: unknown, pull: DelegatedPull): AsyncIterable<DelegationEvent> {
      seen.asked.push(pull);
      for (const e of script.events ?? []) yield e;
      if (script.error !== undefined) throw script.error;
    },
  };
  const d = {
    reporter: { progress() {}, item: (_a: string, p: string) => void seen.items.push(p), warn: (m: string) => void seen.warnings.push(m) },
    signal: new AbortController().signal,
    home: "/root",
    cwd: "/",
    delegation: async () => client,
  } as unknown as EngineDeps;
  return { d, seen };
}

test("the daemon's summary becomes the run's, route delegated, names as typed; options travel", async () => {
  const { d, seen } = deps({ events: [{ t: "item", action: "copy", path: "x" }, { t: "warning", message: "w" }, { t: "summary", summary: SUMMARY }] });
  const out = await delegate(request("src:/a/dir/", "dst:4000:/b/"), d);
  expect(out).toEqual({ summary: { operation: "copy", source: "src:/a/dir/", destination: "dst:4000:/b/", route: "delegated", dry_run: false, ...SUMMARY, tls: true } });
  expect(seen).toEqual({
    asked: [
      {
        source: { host: "src", port: 9031, target: { module: "a", path: "dir" }, contentsOnly: true },
        destination: { target: { module: "b", path: "" }, trailingSlash: true },
        options: { verb: "copy", compare: "quick", ignoreExisting: false, filter: NO_FILTER_OPTIONS, dryRun: false, maxDelete: 0, resume: false, forceGrpcData: false },
      },
    ],
    warnings: ["w"],
    items: ["x"],
  });
});

test.each([
  ["refused", new BlitError("PERMISSION_DENIED", "the destination daemon does not allow delegation from src:9031 (why)", { delegation: "refused" }), "does not allow delegation"],
  ["source unreachable", new BlitError("UNREACHABLE", "the destination daemon cannot reach the source daemon: x", { delegation: "source-unreachable" }), "cannot reach the source"],
  ["an older daemon", new BlitError("TRANSPORT_UNAVAILABLE", "this daemon serves no transfers", { method: "DelegatedPull" }), "does not serve delegated pulls"],
])("%s before any event: relay, saying why", async (_name, error, why) => {
  const { d } = deps({ error });
  const out = await delegate(request("src:/a/", "dst:/b/"), d);
  expect(out !== null && "relay" in out && out.relay.includes(why)).toBe(true);
});

test("a failure of the transfer itself, or one after events, is thrown (no relay behind the user's back)", async () => {
  const readOnly = new BlitError("READ_ONLY", "module 'b' is read-only");
  await expect(delegate(request("src:/a/", "dst:/b/"), deps({ error: readOnly }).d)).rejects.toBe(readOnly);
  const late = new BlitError("PERMISSION_DENIED", "x", { delegation: "refused" });
  const first: DelegationEvent = { t: "warning", message: "started" };
  await expect(delegate(request("src:/a/", "dst:/b/"), deps({ events: [first], error: late }).d)).rejects.toBe(late);
});

test("a loopback source with a remote destination is relayed without asking; local ends are not delegated", async () => {
  const { d, seen } = deps({ events: [{ t: "summary", summary: SUMMARY }] });
  const out = await delegate(request("localhost:/a/", "nas:/b/"), d);
  expect(out !== null && "relay" in out && out.relay.includes("loopback")).toBe(true);
  expect(await delegate(request("/tmp/x/", "nas:/b/"), d)).toBeNull();
  expect(await delegate(request("nas:/b/x/", "nas:/b/x/y/"), d)).toBeNull();
  expect(seen.asked).toEqual([]);
});
