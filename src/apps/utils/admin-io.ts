import { parseEndpoint, type RemoteEndpoint } from "../../domain/endpoint.ts";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { exitCodeFor } from "../../domain/exit-codes.ts";
import type { ControlPlane, RemoteTarget } from "../../ports/control.ts";

/**
 * What every admin verb shares: ordered output on stdout/stderr, the error report with its exit
 * code, the REMOTE operand and the daemon connection.
 */

/** Output through Bun.write on one ordered chain (process.stdout costs start-up time); EPIPE ignored. */
export const out = (text: string): void => write(Bun.stdout, text);
export const err = (text: string): void => write(Bun.stderr, text);
export const flushOutput = (): Promise<unknown> => pending;

/** Prints `<program>: <message>` and returns the exit code of `e` (a non-BlitError is a bug, 70). */
export function reportError(program: string, e: unknown): number {
  const text = isBlitError(e) ? e.message : `internal error (a bug): ${e instanceof Error ? e.message : String(e)}`;
  err(`${program}: ${text}\n`);
  return exitCodeFor(e);
}

/** A REMOTE operand (`host[:port]:/module/path` or `host[:port]://path`); anything else is USAGE. */
export function parseRemote(verb: string, text: string | undefined): { endpoint: RemoteEndpoint; target: RemoteTarget } {
  if (text === undefined) throw new BlitError("USAGE", `${verb} needs a REMOTE path, e.g. blit-utils ${verb} host:/module/dir`, { verb });
  const endpoint = parseEndpoint(text);
  if (endpoint.kind !== "remote") {
    throw new BlitError("USAGE", `'${text}' is not a path on a daemon: write host:/module/path or host://path, e.g. blit-utils ${verb} backup:/data/`, { input: text });
  }
  return { endpoint, target: { module: endpoint.module, path: endpoint.path } };
}

/** Runs `body` with a client of the daemon at `host:port` (trusted as the process's trust flags say), closed afterwards. */
export async function withDaemon<T>(host: string, port: number, body: (daemon: ControlPlane, fingerprint: string | null) => Promise<T>): Promise<T> {
  const [{ connectDaemon }, { clientTrust }] = await Promise.all([import("../compose.ts"), import("../trust/process-trust.ts")]);
  const tls = await clientTrust()({ host, port });
  await using daemon = await connectDaemon(host, port, tls);
  return await body(daemon, tls?.fingerprint ?? null);
}

/** Prints one JSON document on stdout (bigints as numbers). */
export const printJson = (value: unknown): void => out(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v))}\n`);

/** A non-negative whole number flag, or USAGE naming it. */
export function wholeNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (/^[0-9]{1,15}$/.test(text)) return Number(text);
  throw new BlitError("USAGE", `invalid ${flag} '${text}': expected a whole number, e.g. ${flag} 3`, { flag, value: text });
}

// --- internal ---

let pending: Promise<unknown> = Promise.resolve();

function write(file: Bun.BunFile, text: string): void {
  pending = pending.then(() => Bun.write(file, text)).catch(() => 0);
}
