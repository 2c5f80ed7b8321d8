import { itemizeLine, shown } from "../../domain/itemize.ts";
import { displayName } from "../../domain/rel-path.ts";
import type { ProgressSnapshot } from "../../domain/summary.ts";
import type { Reporter } from "../../ports/reporter.ts";
import type { OutputOptions } from "./transfer-args.ts";
import { formatBytes, formatCount } from "./summary-print.ts";

/** A Reporter the CLI can also pause (while a prompt is on screen) and close (before the summary). */
export interface CliReporter extends Reporter {
  hold(on: boolean): void;
  close(): void;
}

/** Where the reporter writes; `columns` and `isTTY` describe stderr. */
export interface ReporterIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Asked only when needed: looking at the terminal costs start-up time. */
  readonly stderrIsTty: () => boolean;
  readonly columns: () => number;
  readonly now: () => number;
}

/**
 * Human mode: one live line on stderr, redrawn with `\r` at most 5 times a second (when -p, or
 * stderr is a terminal); -v items on stdout; warnings on stderr.
 * -i: rsync's change string lines on stdout instead of the -v lines (none for a move's removals).
 * JSON mode (--json): NDJSON records on stderr - progress only with -p, items only with -v or -i
 * (with an `itemize` field, the change string),
 * warnings always - so stdout holds nothing but the summary object.
 * In both modes a phase change is always shown, so the last progress shown is the "done" one, or
 * the "cancelled" one (no ETA) of a run the user stopped, which the human line leaves on screen.
 */
export function createReporter(options: OutputOptions, io: ReporterIo): CliReporter {
  return options.json ? jsonReporter(options, io) : humanReporter(options, io);
}

/** The live line: phase, files, bytes, throughput, ETA and the current file, cut to `width`. */
export function formatProgressLine(s: ProgressSnapshot, width: number): string {
  const more = s.scanComplete ? "" : "+";
  const files = s.filesPlanned > 0 ? `${formatCount(s.filesDone)}/${formatCount(s.filesPlanned)}${more} files` : `${formatCount(s.filesDone)} files`;
  const bytes = s.bytesPlanned > 0 ? `${formatBytes(s.bytesDone)}/${formatBytes(s.bytesPlanned)}${more}` : formatBytes(s.bytesDone);
  const parts = [s.phase.padEnd(6), files, bytes, `${formatBytes(s.bytesPerSec)}/s`];
  if (s.etaSec !== null) parts.push(`ETA ${formatEta(s.etaSec)}`);
  const head = parts.join("  ");
  const room = width - head.length - 2;
  if (s.current === "" || room < 8) return head.slice(0, Math.max(0, width));
  const current = displayName(s.current);
  return `${head}  ${current.length <= room ? current : `…${current.slice(current.length - room + 1)}`}`;
}

/** `0:07`, `12:30`, `1:02:03`. */
export function formatEta(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

// --- internal ---

const MIN_REDRAW_MS = 200;
const CLEAR = "\r\x1b[K";

function humanReporter(options: OutputOptions, io: ReporterIo): CliReporter {
  let live: boolean | undefined = options.progress ?? undefined;
  let shown = false;
  let held = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastPhase = "";
  let ended = false;
  const clear = () => {
    if (shown) io.err(CLEAR);
    shown = false;
  };
  return {
    progress(s) {
      live ??= io.stderrIsTty();
      if (!live || held || ended) return;
      if (s.phase === "cancelled") {
        // The last line stays on screen and says so; nothing is drawn after it.
        io.err(`${CLEAR}${formatProgressLine(s, Math.max(20, io.columns() - 1))}\n`);
        shown = false;
        ended = true;
        return;
      }
      const t = io.now();
      if (t - lastDraw < MIN_REDRAW_MS && s.phase === lastPhase) return;
      lastDraw = t;
      lastPhase = s.phase;
      io.err(`${CLEAR}${formatProgressLine(s, Math.max(20, io.columns() - 1))}`);
      shown = true;
    },
    item(action, path, change) {
      if (options.itemize) {
        if (change === undefined) return;
        clear();
        io.out(`${itemizeLine(change, displayName(path), options.sends)}\n`);
        return;
      }
      if (!options.verbose || change?.onlyItemized === true) return;
      clear();
      io.out(`${action} ${displayName(path)}\n`);
    },
    warn(message) {
      clear();
      io.err(`blit: warning: ${message}\n`);
    },
    hold(on) {
      held = on;
      if (on) clear();
    },
    close() {
      clear();
      held = true;
    },
  };
}

function jsonReporter(options: OutputOptions, io: ReporterIo): CliReporter {
  const live = options.progress === true;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastPhase = "";
  let closed = false;
  const record = (value: object) => {
    if (!closed) io.err(`${JSON.stringify(value)}\n`);
  };
  return {
    progress(s) {
      const t = io.now();
      if (!live || (t - lastDraw < MIN_REDRAW_MS && s.phase === lastPhase)) return;
      lastDraw = t;
      lastPhase = s.phase;
      record({
        type: "progress",
        phase: s.phase,
        files_done: s.filesDone,
        files_planned: s.filesPlanned,
        bytes_done: s.bytesDone,
        bytes_planned: s.bytesPlanned,
        bytes_per_sec: Math.round(s.bytesPerSec),
        eta_sec: s.etaSec === null ? null : Math.round(s.etaSec),
        current: s.current,
        scan_complete: s.scanComplete,
      });
    },
    item(action, path, change) {
      if (options.itemize || (options.verbose && change?.onlyItemized !== true)) record({ type: "item", action, path, ...(change !== undefined && { itemize: shown(change, options.sends) }) });
    },
    warn(message) {
      record({ type: "warning", message });
    },
    hold() {},
    close() {
      closed = true;
    },
  };
}
