import { lastValue, type ParsedFlags } from "../../toolkit/flag-parser.ts";
import { out } from "../../toolkit/output.ts";

const DEFAULT_LIMIT = 20;

/** `blit diagnostics perf [--limit N] [--json] [--clear]`: the local performance history (SPEC §8). */
export async function run(args: ParsedFlags): Promise<number> {
  const run = await import("../run-command.ts");
  const json = args.switches.has("json");
  const [topic] = args.positionals;
  const limitText = lastValue(args, "limit");
  return run.runVerb(async () => {
    if (topic !== "perf") return run.failWith("USAGE", `diagnostics needs a topic: perf (got '${topic ?? ""}'), e.g. blit diagnostics perf --limit 10`, json);
    const limit = parseLimit(limitText);
    if (limit === null) return run.failWith("USAGE", `invalid --limit '${limitText}': expected a whole number from 1, e.g. --limit 10`, json);
    const { openPerfHistory } = await import("../../compose.ts");
    const history = await openPerfHistory(process.env);
    if (args.switches.has("clear")) {
      const removed = await history.clear();
      out(json ? `${JSON.stringify({ cleared: removed, location: history.location })}\n` : `cleared ${removed} run records from ${history.location}\n`);
      return 0;
    }
    const all = await history.recent(Number.MAX_SAFE_INTEGER);
    const records = all.slice(-limit);
    const enabled = process.env.BLIT_DISABLE_LOCAL_TELEMETRY !== "1";
    if (json) {
      const { summarizePerf } = await import("../../../domain/perf-record.ts");
      out(`${JSON.stringify({ location: history.location, recording: enabled, total: all.length, runs: records, summary: summarizePerf(records), predictor: history.predictorState() })}\n`);
    } else {
      const { perfReport } = await import("../perf-report.ts");
      out(perfReport(records, all.length, history.location, enabled));
    }
    return 0;
  }, { json });
}

function parseLimit(text: string | undefined): number | null {
  if (text === undefined) return DEFAULT_LIMIT;
  return /^[0-9]{1,9}$/.test(text) && Number(text) >= 1 ? Number(text) : null;
}
