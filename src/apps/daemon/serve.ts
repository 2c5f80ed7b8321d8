import type { ConsolaInstance } from "consola";
import { BlitError, isBlitError } from "../../domain/errors.ts";
import { hostRefusal } from "../../domain/host-rules.ts";
import { CLIENT_LINK_DIR } from "../../domain/received-entry.ts";
import { readTokenFile } from "../toolkit/client-token.ts";
import * as compose from "../compose.ts";
import { startAdvertising } from "./advertise.ts";
import { DaemonAudit } from "./daemon-audit.ts";
import { DaemonControl } from "./daemon-control.ts";
import { DaemonDelegation } from "./daemon-delegation.ts";
import { DaemonSessions } from "./daemon-sessions.ts";
import type { DaemonSettings } from "./daemon-settings.ts";
import { ModuleAccessCheck } from "./module-access.ts";
import { ModuleExports, type Export } from "./module-exports.ts";

/** How long running calls may take to finish after SIGTERM/SIGINT before they are cancelled. */
const STOP_GRACE_MS = 10_000;

/**
 * Runs the daemon until SIGTERM or SIGINT: opens the module stores, starts the control server,
 * prints the ready line on stdout, then stops gracefully and returns exit code 0. A second signal
 * exits at once.
 */
export async function serve(settings: DaemonSettings, version: string, log: ConsolaInstance): Promise<number> {
  const stopping = stopSignal(log);
  const audit = new DaemonAudit(log);
  const delegationToken = settings.delegation.tokenFile === undefined ? null : readTokenFile(settings.delegation.tokenFile, "[delegation] token_file");
  await using exports = openExports(settings, audit);
  const protocolVersion = await compose.protocolVersion();
  const facts = { version, protocolVersion, motd: settings.motd };
  const tls = await compose.serverTls(settings.tls, settings.stateDir);
  const onRefused = refusalLog(log);
  const admitAddress = (address: string) => hostRefusal(settings.hosts, address);
  const data = await compose.startDataListeners(settings.bind, settings.dataPort, tls?.server ?? null, { admitAddress, onRefused });
  await using sessions = new DaemonSessions(exports, data.listeners, { forceGrpcData: settings.forceGrpcData, log, onRefused, admitAddress, audit });
  const server = await compose.startControlServer({
    host: settings.bind,
    port: settings.port,
    tls: tls?.server ?? null,
    plane: (caller) => new DaemonControl(exports, facts, undefined, caller, audit),
    admitAddress,
    ...(settings.maxConnections !== undefined && { limits: { maxSessions: settings.maxConnections } }),
    sessions,
    dataListener: data.listeners.get("control-port"),
    delegation: new DaemonDelegation(exports, settings.delegation, delegationKnownHosts(settings), log, delegationToken, audit),
    onInternalError: (method, error) => log.error(`${method} failed with a bug:`, isBlitError(error) ? error.message : error),
    onRefused,
  });
  announce(settings, exports, log);
  announceTls(settings, tls, log);
  const host = settings.bind.includes(":") ? `[${settings.bind}]` : settings.bind;
  const dataPort = data.listeners.get("data-port")?.address.port ?? 0;
  const ready = {
    event: "ready",
    control: `${host}:${server.port}`,
    data: `${host}:${dataPort}`,
    version,
    protocol: protocolVersion,
    modules: exports.names(),
    tls: tls !== null,
    fingerprint: tls?.server.fingerprint ?? null,
  };
  await Bun.write(Bun.stdout, `${JSON.stringify(ready)}\n`);
  await notify(`READY=1\nSTATUS=serving on ${ready.control}, data ${ready.data}\nMAINPID=${process.pid}`, log);
  log.info(`serving on ${host}:${server.port} (data plane on port ${dataPort})`);
  const rdma = data.listeners.get("rdma-port");
  log.info(rdma !== undefined ? `RDMA data plane: connection port ${rdma.address.port}` : `RDMA data plane off (${data.rdmaReason}): TCP only`);
  const advert = startAdvertising(settings, { port: server.port, version, protocol: protocolVersion, modules: exports.names() }, log);
  const signal = await stopping;
  log.info(`${signal}: stopping (running calls get ${STOP_GRACE_MS / 1000} s)`);
  await notify("STOPPING=1", log);
  await advert[Symbol.asyncDispose]();
  await server.stop(STOP_GRACE_MS);
  log.info("stopped");
  return 0;
}

// --- internal ---

/** sd_notify under systemd (Type=notify), at the ready line's moment and when stopping. */
async function notify(state: string, log: ConsolaInstance): Promise<void> {
  const failed = await compose.notifyServiceManager(state);
  if (failed !== null) log.warn(`could not notify systemd (${state.split("\n")[0]}): ${failed}`);
}

function openExports(settings: DaemonSettings, audit: DaemonAudit): ModuleExports {
  const followsLinks = settings.modules.find((m) => !m.useChroot);
  if (followsLinks !== undefined && compose.pathExists(CLIENT_LINK_DIR)) {
    throw new BlitError(
      "USAGE",
      `module '${followsLinks.name}' has use_chroot = false, so symlinks clients create are stored pointing into ${CLIENT_LINK_DIR}, which must not exist: remove ${CLIENT_LINK_DIR} (or set use_chroot = true)`,
      { module: followsLinks.name, path: CLIENT_LINK_DIR },
    );
  }
  const modules: Export[] = settings.modules.map((m) => ({
    name: m.name,
    comment: m.comment,
    readOnly: m.readOnly,
    root: m.path,
    store: compose.openModuleStore(m.path, { beneath: m.useChroot, keepOwners: m.keepOwners, readOnly: m.readOnly }),
  }));
  const d = settings.defaultExport;
  const fallback: Export | null =
    d === null ? null : { name: null, comment: "", readOnly: d.readOnly, root: d.path, store: compose.openModuleStore(d.path, { beneath: true, keepOwners: false, readOnly: d.readOnly }) };
  return new ModuleExports(modules, fallback, new ModuleAccessCheck(settings.credentials, audit), audit);
}

function announce(settings: DaemonSettings, exports: ModuleExports, log: ConsolaInstance): void {
  for (const m of settings.modules) {
    const keeps = m.keepOwners && !m.readOnly ? " (keep_owners: applies the owners and set-id bits clients send)" : "";
    log.info(`module '${m.name}' -> ${m.path}${m.readOnly ? " (read-only)" : ""}${keeps}`);
  }
  const d = settings.defaultExport;
  if (d?.implicit === true) {
    log.warn(`no modules and no root configured: exporting the working directory ${d.path} as host:// (clients write HOST://path; set root or [[module]] in the config, or --root)`);
  } else if (d !== null) {
    log.info(`default export host:// -> ${d.path}${d.readOnly ? " (read-only)" : ""}`);
  }
  for (const c of settings.credentials) {
    log.info(`${c.kind} '${c.name}' grants ${Object.entries(c.modules).map(([m, g]) => `${m}:${g}`).join(", ")}`);
  }
  const { allow: hostsAllow, deny: hostsDeny } = settings.hosts;
  if (hostsAllow.length > 0) log.info(`hosts_allow: ${hostsAllow.map((r) => r.text).join(", ")}`);
  if (hostsDeny.length > 0) log.info(`hosts_deny: ${hostsDeny.map((r) => r.text).join(", ")}`);
  if (settings.forceGrpcData) log.info("--force-grpc-data: file data will travel inside the gRPC stream");
  const { allow, allowedSources } = settings.delegation;
  if (allow) log.info(`delegated pulls allowed from ${allowedSources.join(", ")}`);
  if (exports.names().length === 0 && d === null) log.warn("nothing is exported");
}

/** `[delegation] known_hosts`, default `known_hosts` in the state directory. */
function delegationKnownHosts(settings: DaemonSettings): string {
  return settings.delegation.knownHosts ?? `${settings.stateDir}/known_hosts`;
}

function announceTls(settings: DaemonSettings, tls: Awaited<ReturnType<typeof compose.serverTls>>, log: ConsolaInstance): void {
  if (tls === null) {
    const loopback = /^(127\.|::1$|localhost$)/.test(settings.bind);
    if (!loopback) log.warn(`[tls] enabled = false: file contents, names and tokens cross the network in the clear on ${settings.bind}; clients need --no-tls (enable TLS, or bind to 127.0.0.1)`);
    else log.info("[tls] enabled = false: plaintext on loopback");
    return;
  }
  const made = tls.generated ? " (generated now: a self-signed identity, kept for later starts)" : "";
  log.info(`TLS 1.3 on both planes; certificate ${tls.source}${made}, fingerprint ${tls.server.fingerprint}`);
  if (tls.server.clientCaPem !== null) log.info(`clients must present a certificate chaining to ${settings.tls.clientCa}`);
}

/** How often the same kind of refusal is logged at most (one peer hitting a limit in a loop). */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Logs refusals by a limit at warn: the first of each kind at once, then at most one line per
 * REFUSAL_LOG_INTERVAL_MS saying how many more there were.
 */
function refusalLog(log: ConsolaInstance): (message: string) => void {
  const quiet = new Map<string, { until: number; more: number }>();
  return (message) => {
    const kind = message.replace(/\d+/g, "N");
    const now = performance.now();
    const q = quiet.get(kind);
    if (q !== undefined && now < q.until) {
      q.more++;
      return;
    }
    const more = q !== undefined && q.more > 0 ? ` (and ${q.more} more like it in the last ${REFUSAL_LOG_INTERVAL_MS / 1000} s)` : "";
    if (quiet.size > 1024) quiet.clear();
    quiet.set(kind, { until: now + REFUSAL_LOG_INTERVAL_MS, more: 0 });
    log.warn(`${message}${more}`);
  };
}

/** Resolves with the name of the first SIGTERM/SIGINT; a second one exits at once. */
function stopSignal(log: ConsolaInstance): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (name: string) => () => {
      if (seen) {
        log.warn(`${name} again: exiting now`);
        process.exit(0);
      }
      seen = true;
      resolve(name);
    };
    process.on("SIGTERM", on("SIGTERM"));
    process.on("SIGINT", on("SIGINT"));
  });
}
