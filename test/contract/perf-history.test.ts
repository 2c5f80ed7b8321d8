// The PerfHistory contract over the file adapter (a fresh folder per case) and the in-memory one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryPerfHistory } from "../../src/adapters/memory/index.ts";
import { PerfHistoryFile } from "../../src/adapters/telemetry-file/index.ts";
import { describePerfHistoryContract } from "./perf-history.contract.ts";

describePerfHistoryContract("PerfHistoryFile", async () => {
  const base = mkdtempSync(join(tmpdir(), "blit-perf-contract-"));
  return Object.assign(new PerfHistoryFile({ dir: join(base, "blit") }), { [Symbol.asyncDispose]: async () => rmSync(base, { recursive: true, force: true }) });
});

describePerfHistoryContract("MemoryPerfHistory", async () => Object.assign(new MemoryPerfHistory(), { [Symbol.asyncDispose]: async () => {} }));
