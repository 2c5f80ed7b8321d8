import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { parseEndpoint } from "../../domain/endpoint.ts";
import { isBlitError } from "../../domain/errors.ts";
import { recordOfFailure, recordOfSummary, type PerfRecord, type RunFacts } from "../../domain/perf-record.ts";
import { choose, EMPTY_PREDICTOR, type Choice } from "../../domain/predictor.ts";
import type { TransferSummary } from "../../domain/summary.ts";
import type { TransferRequest } from "../engine/transfer-request.ts";

/** The predictor's choice for one run, and the record written after it. */
export interface RunTelemetry {
  readonly choice: Choice;
  /** Appends the run's record (after the summary was printed); never throws. */
  record(summary: TransferSummary): Promise<void>;
  recordFailure(error: unknown): Promise<void>;
}

/**
 * Reads the predictor's state (unless BLIT_DISABLE_LOCAL_TELEMETRY=1: then the filesystem prior
 * alone decides and nothing is written), picks workers, buffer size and streams for this run, and
 * hands back the recorder. Nothing here ever leaves the machine or fails a transfer.
 */
export async function startRunTelemetry(request: TransferRequest, env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<RunTelemetry> {
  const compose = await import("../compose.ts");
  const enabled = env.BLIT_DISABLE_LOCAL_TELEMETRY !== "1";
  const home = env.HOME ?? "/";
  const [src, dst] = [endpointFs(request.source, home, cwd), endpointFs(request.destination, home, cwd)];
  const srcFs = src.path === null ? "remote" : await compose.fsTypeOf(src.path);
  const dstFs = dst.path === null ? "remote" : await compose.fsTypeOf(dst.path);
  const route = src.path !== null && dst.path !== null ? "local" : src.path !== null ? "push" : dst.path !== null ? "pull" : "remote";
  const history = enabled ? await compose.openPerfHistory(env).catch(() => null) : null;
  const choice = choose(history?.predictorState() ?? EMPTY_PREDICTOR, { route, srcFs, dstFs, cores: Math.max(1, availableParallelism()), cap: request.maxThreads });
  const started = performance.now();
  const facts = (): RunFacts => ({ at: new Date().toISOString(), srcFs, dstFs, workers: choice.workers, bufferBytes: choice.bufferBytes, streams: choice.streams });
  const write = async (make: () => PerfRecord) => {
    if (history === null) return;
    try {
      await history.append(make());
    } catch (e) {
      if (env.BLIT_DEBUG === "1") await Bun.write(Bun.stderr, `blit: telemetry not recorded: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  return {
    choice,
    record: (summary) => write(() => recordOfSummary(summary, facts())),
    recordFailure: (error) => write(() => recordOfFailure(request.verb, route, isBlitError(error) ? error.code : "INTERNAL", performance.now() - started, facts())),
  };
}

// --- internal ---

/** The local path of an endpoint (null when remote). */
function endpointFs(text: string, home: string, cwd: string): { path: string | null } {
  try {
    const e = parseEndpoint(text);
    if (e.kind !== "local") return { path: null };
    const path = e.path === "~" || e.path.startsWith("~/") ? `${home}${e.path.slice(1)}` : e.path;
    return { path: resolve(cwd, path) };
  } catch {
    return { path: resolve(cwd, text) };
  }
}
