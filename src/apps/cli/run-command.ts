import { homedir } from "node:os";
import { BlitError, isBlitError, isRetryable, type ErrorCode } from "../../domain/errors.ts";
import { EXIT_CODE, exitCodeFor } from "../../domain/exit-codes.ts";
import { displayName } from "../../domain/rel-path.ts";
import { parseTransferEnd } from "../../domain/endpoint.ts";
import { endedRunSummary, type EndedRun, type ProgressSnapshot, type TransferSummary } from "../../domain/summary.ts";
import type { TransferRequest, Verb } from "../engine/transfer-request.ts";
import { transferArgs } from "./commands/_shared-args.ts";
import { createConfirm } from "./confirm-prompt.ts";
import { readFilterFiles } from "./filter-files.ts";
import { createReporter, type CliReporter } from "./progress-line.ts";
import { openRunLog } from "./run-log.ts";
import { formatSummary, printTransferSummary, type Printed } from "./summary-print.ts";
import { scanArgs, toTransferCli, type CliEnv, type OutputOptions } from "./transfer-args.ts";

/**
 * Runs copy, mirror or move: arguments → request → engine → summary; returns the exit code.
 * With --json, every run past argument parsing prints exactly one RunSummary on stdout: the
 * engine's summary, or for a run that ended with an error (or was cancelled) one saying so.
 */
export function runTransferCommand(verb: Verb, rawArgs: readonly string[]): Promise<number> {
  let lastWords: (() => void) | undefined;
  return runVerb(async (signal) => {
    const cli = toTransferCli(verb, scanArgs(rawArgs, transferArgs, verb), processEnv());
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
      const error = isBlitError(e) ? { code: e.code, message: e.message } : { code: "INTERNAL", message: e instanceof Error ? e.message : String(e) };
      const snapshot = last as ProgressSnapshot | null;
      const how = routeOf(cli.request);
      emit({ stdout: `${JSON.stringify(endedRunSummary({ operation: verb, source: cli.request.source, destination: cli.request.destination, ...how, dryRun: cli.request.dryRun, filesDone: snapshot?.filesDone ?? 0, bytesDone: snapshot?.bytesDone ?? 0, durationMs: performance.now() - started, attempts: Math.max(attempts, 1), error, exitCode }))}\n`, stderr: "" });
    };
    lastWords = () => ended(new BlitError("CANCELLED", "cancelled by the user"), EXIT_CODE.CANCELLED);
    try {
      const request: TransferRequest = { ...cli.request, filter: await readFilterFiles(cli.request.filter, cli.filesFromPath, cli.rulesFrom) };
      const confirm = createConfirm(
        { yes: cli.yes, dryRun: request.dryRun },
        { interactive: () => process.stdin.isTTY === true && process.stderr.isTTY === true, input: () => process.stdin, err, signal, onAsk: (on) => reporter.hold(on) },
      );
      const [{ runTransfer }, { createEngineDeps }, { startRunTelemetry }] = await Promise.all([import("../engine/transfer.ts"), import("../compose.ts"), import("./run-telemetry.ts")]);
      const telemetry = await startRunTelemetry(request, process.env, process.cwd());
      const deps = createEngineDeps({ reporter, confirm, signal, maxThreads: request.maxThreads, initialWorkers: telemetry.choice.workers, bufferBytes: telemetry.choice.bufferBytes, dataStreams: telemetry.choice.streams });
      const attempt = () => {
        attempts++;
        return runTransfer(request, deps);
      };
      const summary = await withRetry(attempt, cli.retry, cli.waitSec, signal).catch(async (e: unknown) => {
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
      const code = signal.aborted ? EXIT_CODE.CANCELLED : reportError(e);
      ended(signal.aborted ? new BlitError("CANCELLED", "cancelled by the user") : e, code);
      return code;
    } finally {
      reporter.close();
      log?.close();
    }
  }, () => lastWords?.());
}

/**
 * Runs one verb with a SIGINT/SIGTERM handler: the first one aborts `signal` and the process exits 130
 * once the body returns (or after a grace period if it does not, calling `onHardExit` first); a
 * second Ctrl-C exits at once.
 * A thrown error is printed as `blit: <message>` and mapped to its exit code.
 */
export async function runVerb(body: (signal: AbortSignal) => Promise<number>, onHardExit?: () => void): Promise<number> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hardExit = () => {
    onHardExit?.();
    err("\nblit: cancelled\n");
    void Promise.race([flushOutput(), Bun.sleep(200)]).then(() => process.exit(EXIT_CODE.CANCELLED));
  };
  const onSigint = () => {
    if (controller.signal.aborted) return hardExit();
    controller.abort(new BlitError("CANCELLED", "cancelled by the user"));
    timer = setTimeout(hardExit, CANCEL_GRACE_MS);
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  try {
    const code = await body(controller.signal);
    return controller.signal.aborted ? cancelled() : code;
  } catch (e) {
    return controller.signal.aborted ? cancelled() : reportError(e);
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

/** Prints `blit: <message>` on stderr and returns the exit code for `e` (citty's errors are usage). */
export function reportError(e: unknown): number {
  if (isCittyError(e)) {
    err(`blit: ${stripAnsi(e.message)} (see 'blit --help')\n`);
    return EXIT_CODE.USAGE;
  }
  if (isBlitError(e)) {
    err(`blit: ${e.message}\n`);
    return exitCodeFor(e);
  }
  const text = e instanceof Error ? (process.env.BLIT_DEBUG === "1" ? (e.stack ?? e.message) : e.message) : String(e);
  err(`blit: internal error (a bug): ${text}\n`);
  return exitCodeFor(e);
}

/** Prints `blit: <message>` and returns the exit code of `code`. */
export function failWith(code: ErrorCode, message: string): number {
  return reportError(new BlitError(code, message));
}

/**
 * The exit code of a finished transfer: 0 for success or a clean dry run; when entries failed, 10
 * or 9 if every failure was NO_SPACE or CORRUPT_DATA, otherwise 8 (partial).
 */
export function summaryExitCode(summary: TransferSummary): number {
  if (summary.failures.length === 0 && (summary.outcome === "success" || summary.outcome === "dry-run")) return 0;
  const codes = new Set(summary.failures.map((f) => f.code));
  const [only] = codes;
  if (codes.size === 1 && (only === "NO_SPACE" || only === "CORRUPT_DATA")) return EXIT_CODE[only];
  return EXIT_CODE.PARTIAL;
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

/**
 * Output goes through Bun.write on one ordered chain: touching process.stdout/stderr costs ~20 ms
 * of start-up, and one chain keeps stdout and stderr lines in the order they were made.
 * A closed pipe (EPIPE) is ignored.
 */
export const out = (text: string): void => write(Bun.stdout, text);
export const err = (text: string): void => write(Bun.stderr, text);

/** Resolves when everything written so far has been handed to the kernel. */
export const flushOutput = (): Promise<unknown> => pending;

// --- internal ---

const CANCEL_GRACE_MS = 2000;

let pending: Promise<unknown> = Promise.resolve();

function write(file: Bun.BunFile, text: string): void {
  pending = pending.then(() => Bun.write(file, text)).catch(() => 0);
}

function cancelled(): number {
  err("blit: cancelled\n");
  return EXIT_CODE.CANCELLED;
}

async function withRetry<T>(run: () => Promise<T>, retries: number, waitSec: number, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt > retries || signal.aborted || !isBlitError(e) || !isRetryable(e.code)) throw e;
      err(`blit: ${e.message}; retrying in ${waitSec} s (retry ${attempt} of ${retries})\n`);
      await Bun.sleep(waitSec * 1000);
    }
  }
}

const isCittyError = (e: unknown): e is Error => e instanceof Error && e.name === "CLIError";

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, "");
