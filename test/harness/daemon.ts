/**
 * A real `blit-daemon` (`bin/blit-daemon`) for end-to-end tests.
 * - `startDaemon({ modules, root, motd, delegation, config, args })`: writes a config file into a temp dir,
 *   starts the daemon on 127.0.0.1 (or `bind`) port 0 with --no-mdns (unless `mdns`), waits (bounded) for its JSON ready line
 *   and returns `{ control, host, port, ready, stderr(), stop(), pid }`. `await using` stops it.
 *   `launch` wraps the command line (e.g. `ip netns exec NS …`, which execs: `pid` stays the daemon's).
 * - `stop(signal)`: sends the signal to the daemon's PID and awaits its exit code.
 * - `startRouteDaemons(dir)`: two daemons exporting `dir` as module `t`, for running one transfer on
 *   every remote route: `plain` (no delegation: remote→remote between its paths is relayed by the
 *   CLI) and `delegating` (pulls from 127.0.0.1 daemons itself); `await using` stops both.
 * - `DAEMON`: the launcher's path (`BLIT_DAEMON_E2E_BIN` overrides it).
 * - TLS: each daemon keeps its identity in its own state directory (`--state-dir`, unless `args`
 *   gives one) whose `known_hosts` (the delegation default) is the harness's KNOWN_HOSTS_FILE; its
 *   `control` and ready-line fingerprint replace any line for that address there (unless
 *   `trusted: false`), so CLI runs and delegating daemons trust it. `tls` is what an in-process
 *   client (GrpcControlClient) needs to reach it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import type { ClientTls } from "../../src/ports/tls.ts";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { insideTestNetns } from "./netns.ts";
import { KNOWN_HOSTS_FILE, REPO_ROOT } from "./run-cli.ts";

export const DAEMON = process.env.BLIT_DAEMON_E2E_BIN ?? resolve(REPO_ROOT, "bin/blit-daemon");

const READY_TIMEOUT_MS = 20_000;

export interface ModuleSpec {
  readonly path: string;
  readonly readOnly?: boolean;
  readonly comment?: string;
  readonly useChroot?: boolean;
  readonly keepOwners?: boolean;
}

export interface DaemonOptions {
  readonly modules?: Readonly<Record<string, ModuleSpec>>;
  /** `[daemon] root` (the default export). */
  readonly root?: string;
  readonly rootReadOnly?: boolean;
  readonly motd?: string;
  /** `[delegation]`: pull from these daemons on a client's behalf. */
  readonly delegation?: { readonly allow: boolean; readonly allowedSources: readonly string[]; readonly tokenFile?: string };
  /** More `[daemon]` keys, as TOML values (`{ hosts_deny: ["127.0.0.1"] }`). */
  readonly daemonKeys?: Readonly<Record<string, unknown>>;
  /** TOML appended to the generated file (`[[token]]` tables, …). */
  readonly extraToml?: string;
  /** Raw TOML used instead of the generated file. */
  readonly config?: string;
  /** Extra flags. */
  readonly args?: readonly string[];
  /** Advertise on mDNS (no --no-mdns). Only inside a test network namespace (harness/netns.ts). */
  readonly mdns?: boolean;
  readonly cwd?: string;
  /** Address to bind (default 127.0.0.1). */
  readonly bind?: string;
  /** Wraps the daemon's argv; the wrapper must exec the daemon so that `pid` and signals reach it. */
  readonly launch?: (argv: string[]) => string[];
  /** `[tls] enabled = false` in the generated config (plaintext; clients need --no-tls). */
  readonly plaintext?: boolean;
  /** false: do not record the daemon in the harness known_hosts (trust tests). */
  readonly trusted?: boolean;
}

export interface RunningDaemon extends AsyncDisposable {
  readonly pid: number;
  /** `HOST:PORT` (HOST is 127.0.0.1 unless `bind`), from the ready line. */
  readonly control: string;
  readonly host: string;
  readonly port: number;
  readonly ready: Record<string, unknown>;
  /** The ready line's fingerprint as an in-process client's TLS settings; null for a plaintext daemon. */
  readonly tls: ClientTls | null;
  /** The state directory (its TLS identity in tls/). */
  readonly stateDir: string;
  /** What the daemon logged so far. */
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts a daemon; throws with its stderr when it exits or is not ready in time. */
export async function startDaemon(options: DaemonOptions = {}): Promise<RunningDaemon> {
  if (options.mdns === true && !insideTestNetns()) throw new Error("startDaemon({ mdns: true }) runs only inside a test network namespace");
  const dir = mkdtempSync(join(tmpdir(), "blit-e2e-daemon-"));
  const configPath = join(dir, "config.toml");
  writeFileSync(configPath, options.config ?? toToml(options));
  const host = options.bind ?? "127.0.0.1";
  const givenState = options.args?.indexOf("--state-dir") ?? -1;
  const stateDir = givenState >= 0 ? String(options.args?.[givenState + 1]) : join(dir, "state");
  if (givenState < 0) {
    mkdirSync(stateDir, { recursive: true });
    symlinkSync(KNOWN_HOSTS_FILE, join(stateDir, "known_hosts"));
  }
  const argv = [
    DAEMON,
    "--config",
    configPath,
    "--bind",
    host,
    "--port",
    "0",
    ...(givenState < 0 ? ["--state-dir", stateDir] : []),
    ...(options.mdns === true ? [] : ["--no-mdns"]),
    ...(options.args ?? []),
  ];
  const proc = Bun.spawn(options.launch?.(argv) ?? argv, {
    cwd: options.cwd ?? dir,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let errText = "";
  const errDone = (async () => {
    for await (const chunk of proc.stderr) errText += new TextDecoder().decode(chunk);
  })();
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let ready: Record<string, unknown>;
  try {
    ready = await readReadyLine(proc, () => errText);
  } catch (e) {
    proc.kill("SIGKILL");
    await proc.exited;
    cleanup();
    throw e;
  }
  const control = String(ready.control);
  const port = Number(control.slice(control.lastIndexOf(":") + 1));
  const tls = ready.tls === true ? { fingerprint: String(ready.fingerprint), identity: null } : null;
  if (tls !== null && options.trusted !== false) recordKnownHost(control, tls.fingerprint);
  const stop = async (signal: NodeJS.Signals = "SIGTERM"): Promise<number> => {
    if (proc.exitCode === null && proc.signalCode === null) process.kill(proc.pid, signal);
    const code = await proc.exited;
    await errDone;
    cleanup();
    return code;
  };
  return { pid: proc.pid, control, host, port, ready, tls, stateDir, stderr: () => errText, stop, [Symbol.asyncDispose]: async () => void (await stop()) };
}

export interface RouteDaemons extends AsyncDisposable {
  readonly plain: RunningDaemon;
  readonly delegating: RunningDaemon;
}

/** Two daemons exporting `dir` as module `t`; only `delegating` accepts delegated pulls. */
export async function startRouteDaemons(dir: string): Promise<RouteDaemons> {
  const [plain, delegating] = await Promise.all([
    startDaemon({ modules: { t: { path: dir } } }),
    startDaemon({ modules: { t: { path: dir } }, delegation: { allow: true, allowedSources: ["127.0.0.1"] } }),
  ]);
  return { plain, delegating, [Symbol.asyncDispose]: async () => void (await Promise.all([plain.stop(), delegating.stop()])) };
}

/** The TOML of `options`. */
export function toToml(options: DaemonOptions): string {
  const lines = ["[daemon]"];
  if (options.motd !== undefined) lines.push(`motd = ${JSON.stringify(options.motd)}`);
  if (options.root !== undefined) lines.push(`root = ${JSON.stringify(options.root)}`);
  if (options.rootReadOnly !== undefined) lines.push(`root_read_only = ${options.rootReadOnly}`);
  for (const [key, value] of Object.entries(options.daemonKeys ?? {})) lines.push(`${key} = ${JSON.stringify(value)}`);
  for (const [name, m] of Object.entries(options.modules ?? {})) {
    lines.push("", "[[module]]", `name = ${JSON.stringify(name)}`, `path = ${JSON.stringify(m.path)}`);
    if (m.comment !== undefined) lines.push(`comment = ${JSON.stringify(m.comment)}`);
    if (m.readOnly !== undefined) lines.push(`read_only = ${m.readOnly}`);
    if (m.useChroot !== undefined) lines.push(`use_chroot = ${m.useChroot}`);
    if (m.keepOwners !== undefined) lines.push(`keep_owners = ${m.keepOwners}`);
  }
  if (options.plaintext === true) lines.push("", "[tls]", "enabled = false");
  const d = options.delegation;
  if (d !== undefined) lines.push("", "[delegation]", `allow = ${d.allow}`, `allowed_sources = ${JSON.stringify(d.allowedSources)}`);
  if (d?.tokenFile !== undefined) lines.push(`token_file = ${JSON.stringify(d.tokenFile)}`);
  if (options.extraToml !== undefined) lines.push("", options.extraToml);
  return `${lines.join("\n")}\n`;
}

/**
 * How in-process clients (createSessionConnector in a test) trust harness daemons: the fingerprint
 * recorded for `host:port` in KNOWN_HOSTS_FILE; an unrecorded daemon is reached in plaintext.
 */
export async function harnessTrust(address: { host: string; port: number }): Promise<ClientTls | null> {
  const key = `${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
  const text = existsSync(KNOWN_HOSTS_FILE) ? readFileSync(KNOWN_HOSTS_FILE, "utf8") : "";
  const line = text.split("\n").find((l) => l.startsWith(`${key} `));
  return line === undefined ? null : { fingerprint: line.slice(key.length + 1).trim(), identity: null };
}

/** Replaces the harness known_hosts line of `control` (`HOST:PORT`) with `fingerprint`. */
export function recordKnownHost(control: string, fingerprint: string): void {
  const old = existsSync(KNOWN_HOSTS_FILE) ? readFileSync(KNOWN_HOSTS_FILE, "utf8") : "";
  const kept = old.split("\n").filter((l) => l.trim() !== "" && !l.startsWith(`${control} `));
  writeFileSync(KNOWN_HOSTS_FILE, [...kept, `${control} ${fingerprint}`, ""].join("\n"));
}

// --- internal ---

async function readReadyLine(proc: Bun.Subprocess<"ignore", "pipe", "pipe">, stderr: () => string): Promise<Record<string, unknown>> {
  const reader = proc.stdout.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`blit-daemon was not ready within ${READY_TIMEOUT_MS} ms\n${stderr()}`)), READY_TIMEOUT_MS);
  });
  try {
    let text = "";
    for (let i = 0; i < 10_000; i++) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`blit-daemon exited (code ${await proc.exited}) before its ready line\n${stderr()}`);
      text += new TextDecoder().decode(value);
      const newline = text.indexOf("\n");
      if (newline >= 0) return JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
    }
    throw new Error("blit-daemon printed no newline");
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
