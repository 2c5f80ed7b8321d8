import type { Confirm } from "../engine/transfer-request.ts";

/** What the prompt needs from the process. */
export interface ConfirmIo {
  /** True when both stdin and stderr are terminals; asked only when a question comes. */
  readonly interactive: () => boolean;
  readonly input: () => NodeJS.ReadableStream;
  readonly err: (text: string) => void;
  /** Aborting it (SIGINT) answers "no". */
  readonly signal: AbortSignal;
  /** Called around the question, e.g. to pause the progress line. */
  readonly onAsk?: (asking: boolean) => void;
}

/**
 * The Confirm the engine gets (SPEC §3 "Confirmation"):
 * - `--yes` or a dry run: null (never ask);
 * - a terminal on stdin and stderr: a `[y/N]` question on stderr, one line read from stdin,
 *   anything but y/yes is No;
 * - otherwise: refuse (No) with a note saying to pass --yes.
 */
export function createConfirm(options: { readonly yes: boolean; readonly dryRun: boolean }, io: ConfirmIo): Confirm | null {
  if (options.yes || options.dryRun) return null;
  return async (question) => {
    if (!io.interactive()) {
      io.err(`blit: no terminal to ask on, so the answer is no: ${question}\n`);
      return false;
    }
    io.onAsk?.(true);
    try {
      io.err(`${question} [y/N] `);
      const answer = await readLine(io.input(), io.signal);
      if (answer === null) io.err("\n");
      return answer !== null && isYes(answer);
    } finally {
      io.onAsk?.(false);
    }
  };
}

/** True for `y` and `yes`, any case, surrounding blanks ignored. */
export const isYes = (answer: string): boolean => /^\s*y(?:es)?\s*$/i.test(answer);

// --- internal ---

/** One line from `input`; null at end of input or when `signal` aborts. */
async function readLine(input: NodeJS.ReadableStream, signal: AbortSignal): Promise<string | null> {
  if (signal.aborted) return null;
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input, terminal: false });
  let onAbort = (): void => {};
  try {
    return await new Promise<string | null>((resolve) => {
      onAbort = () => resolve(null);
      signal.addEventListener("abort", onAbort, { once: true });
      rl.once("line", (line) => resolve(line));
      rl.once("close", () => resolve(null));
    });
  } finally {
    signal.removeEventListener("abort", onAbort);
    rl.close();
    input.pause();
  }
}
