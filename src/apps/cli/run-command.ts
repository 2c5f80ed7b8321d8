import { homedir } from "node:os";
import { BlitError, type ErrorCode } from "../../domain/errors.ts";
import { displayName } from "../../domain/rel-path.ts";
import { parseTransferEnd } from "../../domain/endpoint.ts";
import { endedRunSummary, type EndedRun, type ProgressSnapshot } from "../../domain/summary.ts";
import type { TransferRequest, Verb } from "../engine/transfer-request.ts";
import { createConfirm } from "../toolkit/confirm-prompt.ts";
import { CANCELLED_EXIT, cancelledError, errorJson, reportError, summaryExitCode } from "../toolkit/error-report.ts";
import type { ParsedFlags } from "../toolkit/flag-parser.ts";
import { err, flushOutput, out } from "../toolkit/output.ts";
import { withRetry } from "../toolkit/retry.ts";
import { readFilterFiles } from "./filter-files.ts";
import { createReporter, type CliReporter } from "./progress-line.ts";
import { openRunLog } from "./run-log.ts";
import { formatSummary, printTransferSummary, type Printed } from "./summary-print.ts";
import { toTransferCli, type CliEnv, type OutputOptions } from "./transfer-args.ts";

/**
 * Runs copy, mirror or move: arguments → request → engine → summary; returns the exit code.
 * With --json, every run past argument parsing prints exactly one RunSummary on stdout: the
 * engine's summary, or for a run that ended with an error (or was cancelled) one saying so; flags
 * that make no request get runVerb's error object instead.
 */
export function runTransferCommand(verb: Verb, args: ParsedFlags): Promise<number> {
  let lastWords: (() => void) | undefined;
  /** True once the flags made a request with --json: from then on a failure is told as a RunSummary. */
  let summaryOwed = false;
  return runVerb(async (signal) => {
    const cli = toTransferCli(verb, args, processEnv());
    summaryOwed = cli.output.json;
    for (const note of cli.notes) err(`blit: ${note}\n`);
    const started = performance.now();
    let attempts = 0;
    let last: ProgressSnapshot | null = null;
    let printed = false;
    const base = createCliReporter(cli.output);
    const log = cli.logFile === null ? null : openRunLog(cli.logFile, () => new Date(), process.pid, cli.output);
    log?.line(`${verb} ${cli.request.source} ${cli.request.destination}${cli.request.dryRun ? " (dry run)" : ""}`);
    const reporter: CliReporter = {
      ...base,
      progress: (snapshot) => ((last = snapshot), base.progress(snapshot)),
      item: (action, path, change) => (log?.item(action, path, change), base.item(action, path, change)),
      warn: (message) => (log?.line(`warning: ${message}`), base.warn(message)),
    };
    const ended = (e: unknown, exitCode: number): void => {
      if (printed || !cli.output.json) return;
      printed = true;
      reporter.close();
      const error = errorJson(e);
      const snapshot = last as ProgressSnapshot | null;
      const how = routeOf(cli.request);
      emit({ stdout: `${JSON.stringify(endedRunSummary({ operation: verb, source: cli.request.source, destination: cli.request.destination, ...how, dryRun: cli.request.dryRun, filesDone: snapshot?.filesDone ?? 0, bytesDone: snapshot?.bytesDone ?? 0, durationMs: performance.now() - started, attempts: Math.max(attempts, 1), error, exitCode }))}\n`, stderr: "" });
    };
    lastWords = () => ended(cancelledError(), CANCELLED_EXIT);
    try {
      const request: TransferRequest = { ...cli.request, filter: await readFilterFiles(cli.request.filter, cli.filesFromPath, cli.rulesFrom) };
      const confirm = createConfirm(
        { yes: cli.yes, dryRun: request.dryRun },
        { interactive: () => process.stdin.isTTY === true && process.stderr.isTTY === true, input: () => process.stdin, err, signal, onAsk: (on) => reporter.hold(on) },
      );
      const [{ runTransfer }, { createEngineDeps }, { startRunTelemetry }] = await Promise.all([import("../engine/transfer.ts"), import("../compose.ts"), import("./run-telemetry.ts")]);
      const telemetry = await startRunTelemetry(request, process.env, process.cwd());
      const deps = createEngineDeps({ reporter, confirm, signal, maxThreads: request.maxThreads, initialWorkers: telemetry.choice.workers, bufferBytes: telemetry.choice.bufferBytes, dataStreams: telemetry.choice.streams });
      const attempt = withRetry(
        () => {
          attempts++;
          return runTransfer(request, deps);
        },
        { retries: cli.retry, waitSec: cli.waitSec, signal, onRetry: (e, retry, retries) => err(`blit: ${e.message}; retrying in ${cli.waitSec} s (retry ${retry} of ${retries})\n`) },
      );
      const summary = await attempt().catch(async (e: unknown) => {
        await telemetry.recordFailure(e);
        throw e;
      });
      reporter.close();
      const code = summaryExitCode(summary);
      printed = true;
      const text = printTransferSummary({ ...summary, attempts, exit_code: code, error: null }, cli.output.json);
      emit(cli.output.quiet && !cli.output.json ? { ...text, stdout: "" } : text);
      for (const f of summary.failures) log?.line(`failed: ${displayName(f.path)}: ${f.error}`);
      log?.line(formatSummary(summary));
      await flushOutput();
      await telemetry.record(summary);
      return code;
    } catch (e) {
      log?.line(`error: ${signal.aborted ? "cancelled by the user" : e instanceof Error ? e.message : String(e)}`);
      if (!cli.output.json) throw e;
      const code = signal.aborted ? CANCELLED_EXIT : reportError("blit", e);
      ended(signal.aborted ? cancelledError() : e, code);
      return code;
    } finally {
      reporter.close();
      log?.close();
    }
  }, { onHardExit: () => lastWords?.(), json: () => args.switches.has("json") && !summaryOwed });
}

/**
 * Runs one verb with a SIGINT/SIGTERM handler: the first one aborts `signal` and the process exits 130
 * once the body returns (or after a grace period if it does not, calling `onHardExit` first); a
 * second Ctrl-C exits at once.
 * A thrown error is printed as `blit: <message>` and mapped to its exit code (error-report.ts); with
 * `json` (true, or a function asked when the error comes) it also prints the JSON error object.
 */
export async function runVerb(body: (signal: AbortSignal) => Promise<number>, options: RunVerbOptions = {}): Promise<number> {
  const { onHardExit } = options;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hardExit = () => {
    onHardExit?.();
    err("\nblit: cancelled\n");
    void Promise.race([flushOutput(), Bun.sleep(200)]).then(() => process.exit(CANCELLED_EXIT));
  };
  const onSigint = () => {
    if (controller.signal.aborted) return hardExit();
    controller.abort(cancelledError());
    timer = setTimeout(hardExit, CANCEL_GRACE_MS);
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  try {
    const code = await body(controller.signal);
    return controller.signal.aborted ? cancelled() : code;
  } catch (e) {
    const json = typeof options.json === "function" ? options.json() : options.json === true;
    return controller.signal.aborted ? cancelled() : reportError("blit", e, json);
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

/** What runVerb does besides running the body. */
export interface RunVerbOptions {
  /** Called before a second Ctrl-C (or the grace period) ends the process. */
  readonly onHardExit?: () => void;
  /** Whether a failure also prints the JSON error object on stdout (the verb's --json). */
  readonly json?: boolean | (() => boolean);
}

/** Prints `blit: <message>` (with `json`, the JSON error object too) and returns the exit code of `code`. */
export function failWith(code: ErrorCode, message: string, json = false): number {
  return reportError("blit", new BlitError(code, message), json);
}

/** The route and transport a run asked for, from how its ends are written (for a run that ended early). */
function routeOf(req: TransferRequest): Pick<EndedRun, "route" | "transport"> {
  const remote = (input: string) => parseTransferEnd(input).kind === "remote";
  const [from, to] = [remote(req.source), remote(req.destination)];
  const route = from ? (to ? "remote" : "pull") : to ? "push" : "local";
  return { route, transport: route === "local" ? "local" : req.forceGrpcData === true ? "grpc" : "tcp" };
}

/** Endpoint-parsing options and environment of this process. */
export function processEnv(): CliEnv {
  return { env: process.env, home: process.env.HOME ?? homedir() };
}

/** A reporter writing to this process's stdout/stderr. */
export function createCliReporter(output: OutputOptions): CliReporter {
  return createReporter(output, {
    out,
    err,
    stderrIsTty: () => process.stderr.isTTY === true,
    columns: () => process.stderr.columns || 80,
    now: () => performance.now(),
  });
}

/** Writes what a finished run prints. */
export function emit(printed: Printed): void {
  if (printed.stderr !== "") err(printed.stderr);
  if (printed.stdout !== "") out(printed.stdout);
}

// --- internal ---

const CANCEL_GRACE_MS = 2000;

function cancelled(): number {
  err("blit: cancelled\n");
  return CANCELLED_EXIT;
}
