import { defineCommand } from "citty";
import { diagnosticsArgs } from "./_shared-args.ts";

const DEFAULT_LIMIT = 20;

/** `blit diagnostics perf [--limit N] [--json] [--clear]`: the local performance history (SPEC §8). */
export default defineCommand({
  meta: { name: "diagnostics" },
  args: diagnosticsArgs,
  async run({ args }): Promise<number> {
    const run = await import("../run-command.ts");
    return run.runVerb(async () => {
      if (args.topic !== "perf") return run.failWith("USAGE", `diagnostics needs a topic: perf (got '${args.topic ?? ""}'), e.g. blit diagnostics perf --limit 10`);
      const limit = parseLimit(typeof args.limit === "string" ? args.limit : undefined);
      if (limit === null) return run.failWith("USAGE", `invalid --limit '${args.limit}': expected a whole number from 1, e.g. --limit 10`);
      const { openPerfHistory } = await import("../../compose.ts");
      const history = await openPerfHistory(process.env);
      if (args.clear === true) {
        const removed = await history.clear();
        run.out(args.json === true ? `${JSON.stringify({ cleared: removed, location: history.location })}\n` : `cleared ${removed} run records from ${history.location}\n`);
        return 0;
      }
      const all = await history.recent(Number.MAX_SAFE_INTEGER);
      const records = all.slice(-limit);
      const enabled = process.env.BLIT_DISABLE_LOCAL_TELEMETRY !== "1";
      if (args.json === true) {
        const { summarizePerf } = await import("../../../domain/perf-record.ts");
        run.out(`${JSON.stringify({ location: history.location, recording: enabled, total: all.length, runs: records, summary: summarizePerf(records), predictor: history.predictorState() })}\n`);
      } else {
        const { perfReport } = await import("../perf-report.ts");
        run.out(perfReport(records, all.length, history.location, enabled));
      }
      return 0;
    });
  },
});

function parseLimit(text: string | undefined): number | null {
  if (text === undefined) return DEFAULT_LIMIT;
  return /^[0-9]{1,9}$/.test(text) && Number(text) >= 1 ? Number(text) : null;
}
