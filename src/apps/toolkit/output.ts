/**
 * What the three programs print, through Bun.write on one ordered chain: touching
 * process.stdout/stderr costs ~20 ms of start-up in Bun, and one chain keeps stdout and stderr
 * lines in the order they were made. A closed pipe (EPIPE) is ignored.
 */

export const out = (text: string): void => write(Bun.stdout, text);
export const err = (text: string): void => write(Bun.stderr, text);

/** Resolves when everything written so far has been handed to the kernel. */
export const flushOutput = (): Promise<unknown> => pending;

/** Prints one JSON document on stdout (bigints as numbers). */
export const printJson = (value: unknown): void => out(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v))}\n`);

/** Writes `text` on stdout (`code` 0) or stderr (any other code), waits for it, and gives `code` back. */
export async function printAndExit(text: string, code: number): Promise<number> {
  (code === 0 ? out : err)(text);
  await flushOutput();
  return code;
}

// --- internal ---

let pending: Promise<unknown> = Promise.resolve();

function write(file: Bun.BunFile, text: string): void {
  pending = pending.then(() => Bun.write(file, text)).catch(() => 0);
}
