import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { BlitError } from "../../domain/errors.ts";

/** The token to present to the daemon at `host:port`, or null for none. */
export type TokenSource = (host: string, port: number) => string | null;

let tokenFileOfProcess: string | null = null;
let ofProcess: TokenSource | null = null;

/** Sets the `--token-file` of this process (blit and blit-utils take it off their command line). */
export function useTokenFile(file: string | null): void {
  tokenFileOfProcess = file;
  ofProcess = null;
}

/** The token source of this process: its --token-file, else its environment (built when first asked). */
export function processTokens(): TokenSource {
  ofProcess ??= clientTokens(process.env, tokenFileOfProcess);
  return ofProcess;
}

/**
 * Where a client's token comes from (SPEC §9), first match wins: `--token-file FILE`, the
 * environment variable BLIT_TOKEN, then `$XDG_CONFIG_HOME/blit/credentials.toml` (default
 * `~/.config/blit/credentials.toml`; tables `["host:port"]` with `token = "…"`). A token never
 * comes from the command line itself. A token file or credentials.toml that others than its owner
 * may read or write is refused, naming the file and `chmod 600 FILE`.
 */
export function clientTokens(env: Readonly<Record<string, string | undefined>>, tokenFile: string | null): TokenSource {
  if (tokenFile !== null) {
    const token = readTokenFile(tokenFile, "--token-file");
    return () => token;
  }
  const fromEnv = env.BLIT_TOKEN?.trim() ?? "";
  if (fromEnv !== "") return () => fromEnv;
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME.startsWith("/") ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), ".config");
  const file = join(base, "blit", "credentials.toml");
  let table: Record<string, unknown> | null | undefined;
  return (host, port) => {
    table ??= readCredentials(file);
    if (table === null) return null;
    const h = host.includes(":") ? `[${host.toLowerCase()}]` : host.toLowerCase();
    const entry = table[`${h}:${port}`];
    const token = typeof entry === "object" && entry !== null ? (entry as { token?: unknown }).token : undefined;
    return typeof token === "string" && token !== "" ? token : null;
  };
}

/** A file holding one token (surrounding whitespace ignored); USAGE naming it when missing, empty or readable by others. */
export function readTokenFile(file: string, what: string): string {
  checkPrivate(file, what);
  const token = read(file, what).trim();
  if (token === "") throw new BlitError("USAGE", `${what} ${file} is empty: put the token (blit-daemon token new prints it) in it`, { file });
  return token;
}

/** Removes `--token-file FILE` / `--token-file=FILE` from `args`; the file, or null when it is not given. */
export function takeTokenFile(args: readonly string[]): { rest: string[]; tokenFile: string | null } {
  const rest: string[] = [];
  let tokenFile: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (a === "--token-file" || a.startsWith("--token-file=")) {
      const value = a === "--token-file" ? args[++i] : a.slice("--token-file=".length);
      if (value === undefined || value === "") throw new BlitError("USAGE", "--token-file needs a FILE holding the token, e.g. --token-file ~/.config/blit/backup.token", { flag: "--token-file" });
      tokenFile = value;
      continue;
    }
    rest.push(a);
  }
  return { rest, tokenFile };
}

/** Takes `--token-file FILE` off `args`, checks the file now and makes it this process's token; the other arguments. */
export function presentTokenFile(args: readonly string[]): string[] {
  const taken = takeTokenFile(args);
  if (taken.tokenFile !== null) readTokenFile(taken.tokenFile, "--token-file");
  useTokenFile(taken.tokenFile);
  return taken.rest;
}

// --- internal ---

function readCredentials(file: string): Record<string, unknown> | null {
  let exists: ReturnType<typeof statSync> | undefined;
  try {
    exists = statSync(file, { throwIfNoEntry: false });
  } catch {
    // A home this user cannot search (blit run as another user) holds no credentials for it.
    return null;
  }
  if (exists === undefined) return null;
  checkPrivate(file, "credentials file");
  try {
    return parse(read(file, "credentials file")) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof BlitError) throw e;
    const why = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    throw new BlitError("USAGE", `credentials file ${file} is not valid TOML (${why}): write tables like ["host:9031"] with token = "…"`, { file });
  }
}

function checkPrivate(file: string, what: string): void {
  const st = statSync(file, { throwIfNoEntry: false });
  if (st === undefined) throw new BlitError("USAGE", `${what} ${file} does not exist: give an existing file`, { file });
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
    throw new BlitError("USAGE", `${what} ${file} has mode ${mode}, so others may read the token: run chmod 600 ${file}`, { file, mode });
  }
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    throw new BlitError("USAGE", `cannot read ${what} ${file}: ${code}`, { file });
  }
}
