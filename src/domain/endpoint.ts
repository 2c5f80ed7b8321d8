import { checkPath, isDotName } from "./peer-path.ts";
import { BlitError } from "./errors.ts";
import { displayName } from "./rel-path.ts";
import type { RelPath } from "./rel-path.ts";

/**
 * Endpoints: the URL grammar shared by every program (SPEC §2).
 *
 * Decision rules, applied in this order to the input as typed:
 * 1. Empty, or holding a NUL byte → error.
 * 2. `.`, `..`, `~`, or starting with `/`, `./`, `../`, `~/` → local, whatever follows
 *    (so `./host:/m/` is a local path).
 * 3. Contains `:/` → remote: `HOST[:PORT]:/module/[sub]` or `HOST[:PORT]://[sub]`, HOST a name or a
 *    bracketed IPv6 literal. If it does not parse it is an error, never a local path.
 * 4. Contains `/` → local (`rel/path`, `a:b/c`).
 * 5. Otherwise a bare word: for discovery and admin verbs the daemon address `HOST`, `HOST:PORT`,
 *    `[v6]`, `[v6]:PORT`. At a transfer end a word without `:` is a local path (`notes`, as cp
 *    and rsync take it), and one with `:` (`host:9031`) is an error naming the module form.
 * A module path must end in a slash (`host:/module` is ambiguous, an error); module names match
 * `[A-Za-z0-9._-]+`; remote sub-paths collapse repeated slashes and `.` segments, and refuse `..`
 * and backslashes; a port is 1–65535 (default 9031).
 *
 * Every parse error is `BlitError("USAGE", …, { input })` whose message names the input, the rule
 * it broke and an example of the right form.
 */

/** The port a daemon listens on unless another is given. */
export const DEFAULT_PORT = 9031;

/**
 * A local path. `path` has `~` expanded, is joined to `cwd` when relative and one was given, has
 * repeated slashes, `.` segments and trailing slashes removed (`/` stays `/`, an empty relative
 * path is `.`); `..` segments are kept for the kernel to resolve. `contentsOnly` (= `trailingSlash`)
 * is true when the input ends in `/`, `/.`, `/..` or is `.` or `..`: the root means a directory's
 * contents, and a symlink root must then be followed (as the kernel does for `link/`).
 */
export interface LocalEndpoint {
  readonly kind: "local";
  readonly raw: string;
  readonly path: string;
  readonly contentsOnly: boolean;
  readonly trailingSlash: boolean;
}

/**
 * A path on a daemon. `module` is null for the daemon's default export (`host://`). `host` holds an
 * IPv6 literal without its brackets. `path` is a RelPath inside the module ("" for its root).
 * `contentsOnly` (= `trailingSlash`) is true when the path part ends in `/` or `/.`, which includes
 * every module root (`host:/m/`, `host://`).
 */
export interface RemoteEndpoint {
  readonly kind: "remote";
  readonly raw: string;
  readonly host: string;
  readonly port: number;
  readonly module: string | null;
  readonly path: RelPath;
  readonly contentsOnly: boolean;
  readonly trailingSlash: boolean;
}

/** A daemon itself (`blit list HOST[:PORT]`); never a transfer end. */
export interface DaemonEndpoint {
  readonly kind: "daemon";
  readonly raw: string;
  readonly host: string;
  readonly port: number;
}

export type Endpoint = LocalEndpoint | RemoteEndpoint | DaemonEndpoint;

/** What the grammar cannot know by itself; the app passes it in. */
export interface ParseEndpointOptions {
  /** Home directory for `~` and `~/…`; without it such input is an error. */
  readonly home?: string;
  /** Working directory; when given, relative local paths become absolute. */
  readonly cwd?: string;
}

/** Parses any endpoint form: local path, remote path or daemon address. */
export function parseEndpoint(input: string, options: ParseEndpointOptions = {}): Endpoint {
  const form = classify(input);
  if (form === "local") return toLocal(input, options);
  return form === "remote" ? toRemote(input) : toDaemon(input);
}

/**
 * Parses the source or destination of a transfer: a bare word without `:` is a local path; a
 * daemon address (`host:port`, `[v6]`) or any other bare word holding `:` is an error.
 */
export function parseTransferEnd(input: string, options: ParseEndpointOptions = {}): LocalEndpoint | RemoteEndpoint {
  const form = classify(input);
  if (form === "local" || (form === "daemon" && !input.includes(":"))) return toLocal(input, options);
  if (form === "remote") return toRemote(input);
  const address = daemonText(input);
  throw usage(
    input,
    `names a daemon, not a place to copy from or to: name a module on it, e.g. ${address}:/module/ ` +
      `(or ${address}:// for its default export); a local name holding ':' is written ./${displayName(input)}`,
  );
}

/** Parses a daemon address for discovery: `host`, `host:port`, `[v6]`, `[v6]:port`. */
export function parseDaemonAddress(input: string): DaemonEndpoint {
  checkBasics(input);
  if (input.includes("/")) throw usage(input, `is not a daemon address: expected HOST or HOST:PORT, e.g. backup, backup:9031 or [::1]:9031`);
  return toDaemon(input);
}

/** True for a valid module name: `[A-Za-z0-9._-]+`, neither `.` nor `..`. */
export const isModuleName = (name: string): boolean => MODULE_NAME.test(name) && !isDotName(name);

/** True for a path on a daemon. */
export const isRemote = (e: Endpoint): e is RemoteEndpoint => e.kind === "remote";

/** The canonical text of an endpoint; parsing it gives the same endpoint (apart from `raw`). */
export function formatEndpoint(e: Endpoint): string {
  if (e.kind === "local") {
    const explicit = e.path.startsWith("/") || isDotName(e.path) || e.path.startsWith("../");
    const text = explicit ? e.path : `./${e.path}`;
    const implied = text.endsWith("/") || isDotName(text) || text.endsWith("/..");
    return e.contentsOnly && !implied ? `${text}/` : text;
  }
  const host = e.host.includes(":") ? `[${e.host}]` : e.host;
  const address = e.port === DEFAULT_PORT ? host : `${host}:${e.port}`;
  if (e.kind === "daemon") return address;
  const tail = e.path === "" ? "" : e.trailingSlash ? `${e.path}/` : e.path;
  return e.module === null ? `${address}://${tail}` : `${address}:/${e.module}/${tail}`;
}

// --- internal ---

type Form = "local" | "remote" | "daemon";

const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]*)$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9._-]+)?$/;
const MODULE_NAME = /^[A-Za-z0-9._-]+$/;
const LOCAL_PREFIXES = ["/", "./", "../", "~/"];

function classify(input: string): Form {
  checkBasics(input);
  if (isDotName(input) || input === "~") return "local";
  if (LOCAL_PREFIXES.some((p) => input.startsWith(p))) return "local";
  if (input.includes(":/")) return "remote";
  return input.includes("/") ? "local" : "daemon";
}

function checkBasics(input: string): void {
  if (input === "") throw usage(input, "is empty: name a local path, e.g. ./dir/, or a remote one, e.g. host:/module/");
  if (input.includes("\0")) throw usage(input, `contains a NUL byte, which no path may hold: e.g. ./dir/ or host:/module/dir`);
}

function toLocal(input: string, options: ParseEndpointOptions): LocalEndpoint {
  let p = input;
  if (p === "~" || p.startsWith("~/")) {
    if (options.home === undefined) {
      throw usage(input, `starts with ~ but the home directory is unknown: give the full path, e.g. /home/me${p.slice(1)}`);
    }
    p = options.home + p.slice(1);
  }
  const contentsOnly = p.endsWith("/") || /(?:^|\/)\.\.?$/.test(p);
  const full = p.startsWith("/") || options.cwd === undefined ? p : `${options.cwd}/${p}`;
  const segments = full.split("/").filter((s) => s !== "" && s !== ".");
  const path = full.startsWith("/") ? `/${segments.join("/")}` : segments.join("/") || ".";
  return { kind: "local", raw: input, path, contentsOnly, trailingSlash: contentsOnly };
}

/** Splits `HOST[:PORT]<rest>` or `[V6][:PORT]<rest>`; `rest` is "" or starts with ":/" after the port. */
function splitAddress(input: string): { host: string; port: number; rest: string } {
  let host: string;
  let after: string;
  if (input.startsWith("[")) {
    const close = input.indexOf("]");
    if (close < 0) throw usage(input, `has an unclosed '[': IPv6 literals are written in brackets, e.g. [::1]:/m/`);
    host = input.slice(1, close);
    after = input.slice(close + 1);
    if (host === "" || !IPV6.test(host)) {
      throw usage(input, `has an invalid IPv6 literal '${displayName(host)}': e.g. [2001:db8::1]:/m/ or [::1]:9031`);
    }
    if (after !== "" && !after.startsWith(":")) throw usage(input, `has text after ']': a port or path follows a ':', e.g. [${host}]:9031:/m/`);
  } else {
    const colon = input.indexOf(":");
    host = colon < 0 ? input : input.slice(0, colon);
    after = colon < 0 ? "" : input.slice(colon);
    checkHostName(input, host);
  }
  if (after === "" || after.startsWith(":/")) return { host, port: DEFAULT_PORT, rest: after };
  const next = after.indexOf(":/", 1);
  const portText = next < 0 ? after.slice(1) : after.slice(1, next);
  return { host, port: toPort(input, host, portText), rest: next < 0 ? "" : after.slice(next) };
}

function checkHostName(input: string, host: string): void {
  if (host === "") throw usage(input, `has an empty host: write HOST:/module/ or HOST:PORT, e.g. backup:/m/ or [::1]:/m/`);
  if (!HOST_NAME.test(host)) {
    throw usage(
      input,
      `has an invalid host '${displayName(host)}': hosts use letters, digits, '.', '-' and '_', e.g. ` +
        `backup:/m/ or [::1]:/m/; a local path containing ':/' must start with ./ or /, e.g. ./${displayName(input)}`,
    );
  }
}

function toPort(input: string, host: string, text: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : 0;
  if (port >= 1 && port <= 65535) return port;
  const hint = text.includes(":") ? "; IPv6 literals go in brackets, e.g. [2001:db8::1]:/m/" : "";
  throw usage(input, `has an invalid port '${displayName(text)}': a port is a number from 1 to 65535, e.g. ${host}:9031${hint}`);
}

function toDaemon(input: string): DaemonEndpoint {
  if (!input.startsWith("[") && input.split(":").length > 2) {
    throw usage(input, `is not HOST or HOST:PORT: IPv6 literals go in brackets, e.g. [::1] or [::1]:9031`);
  }
  const { host, port, rest } = splitAddress(input);
  if (rest !== "") throw usage(input, `is not a daemon address: expected HOST or HOST:PORT, e.g. backup:9031`);
  return { kind: "daemon", raw: input, host, port };
}

function toRemote(input: string): RemoteEndpoint {
  const { host, port, rest } = splitAddress(input);
  const address = formatEndpoint({ kind: "daemon", raw: "", host, port });
  if (rest === "") throw usage(input, `has no module path: e.g. ${address}:/module/ or ${address}://`);
  const pathPart = rest.slice(1);
  if (pathPart.includes("\\")) throw usage(input, `contains a backslash: remote paths separate names with '/', e.g. ${address}:/module/dir/file`);
  let module: string | null = null;
  let sub = pathPart.slice(2);
  if (!pathPart.startsWith("//")) {
    const slash = pathPart.indexOf("/", 1);
    module = slash < 0 ? pathPart.slice(1) : pathPart.slice(1, slash);
    sub = slash < 0 ? "" : pathPart.slice(slash + 1);
    checkModule(input, address, module, slash >= 0);
  }
  // The peer-path rule (NUL and backslashes were refused above; repeated slashes collapse).
  let path: string;
  try {
    path = checkPath(sub.replace(/^\/+/, ""), "its module");
  } catch {
    throw new BlitError("PATH_ESCAPE", `'${displayName(input)}' leaves its module through '..': a remote path stays inside its module, e.g. ${address}:/${module ?? "module"}/dir/file`, { input });
  }
  const contentsOnly = sub === "" || sub.endsWith("/") || sub === "." || sub.endsWith("/.");
  return { kind: "remote", raw: input, host, port, module, path, contentsOnly, trailingSlash: contentsOnly };
}

function checkModule(input: string, address: string, module: string, hasSlash: boolean): void {
  if (module === "") throw usage(input, `names no module: write ${address}:/module/, or ${address}:// for the default export`);
  if (!isModuleName(module)) {
    throw usage(input, `has an invalid module name '${displayName(module)}': use A-Z a-z 0-9 . _ -, e.g. ${address}:/backup/`);
  }
  if (!hasSlash) throw usage(input, `is ambiguous: a module path must end with a slash. Add a trailing slash: ${displayName(input)}/`);
}

/** `input` when it is a daemon address (as typed), else "host". */
function daemonText(input: string): string {
  try {
    toDaemon(input);
    return input;
  } catch {
    return "host";
  }
}

/** A USAGE error whose message starts with the quoted input (control bytes shown escaped). */
const usage = (input: string, rule: string): BlitError =>
  new BlitError("USAGE", `'${displayName(input)}' ${rule}`, { input });
