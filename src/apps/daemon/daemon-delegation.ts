import { isAllowedSource, toAllowedSource, type AllowedSource, type DelegationConfig } from "../../domain/daemon-config.ts";
import { BlitError } from "../../domain/errors.ts";
import type { Caller } from "../../ports/control.ts";
import type { DelegatedPull, DelegationEvent, DelegationService } from "../../ports/delegation.ts";
import * as compose from "../compose.ts";
import { runDelegatedPull } from "../engine/delegated-pull.ts";
import { createTrustResolver, type TrustResolver } from "../trust/client-trust.ts";
import { fileTrustIo } from "../trust/process-trust.ts";
import { outcomeOf, type DaemonAudit } from "./daemon-audit.ts";
import { hideRoot, labelOf, NO_CALLER, scrub, type Export, type ModuleExports } from "./module-exports.ts";

/**
 * The daemon's DelegatedPull (SPEC §6): refused unless `[delegation] allow = true` and the source
 * daemon is in `allowed_sources` — checked before any connection is made —, then the destination
 * is resolved like a push (module lookup, containment, read-only) and the engine runs here, pulling
 * from the source daemon into the module's store. Events and errors leave with the module's
 * server-side root hidden.
 */
export class DaemonDelegation implements DelegationService {
  private readonly allowed: readonly AllowedSource[];

  constructor(
    private readonly exports: ModuleExports,
    private readonly config: DelegationConfig,
    /** The known-hosts file source daemons are verified from. */
    private readonly knownHosts: string,
    private readonly log: { info(message: string): void; warn(message: string): void },
    /** The token this daemon presents to source daemons (`[delegation] token_file`), or null. */
    private readonly token: string | null = null,
    private readonly audit: DaemonAudit | null = null,
  ) {
    this.allowed = config.allowedSources.flatMap((s) => toAllowedSource(s) ?? []);
  }

  async *pull(request: DelegatedPull, signal: AbortSignal, caller: Caller = NO_CALLER): AsyncIterable<DelegationEvent> {
    const from = address(request.source.host, request.source.port);
    this.check(from, request, caller);
    const at = await this.exports.resolve(request.destination.target, "write", caller, "delegated-pull");
    const started = performance.now();
    const fields = { client: caller.address, credential: at.credential, module: at.module.name, verb: `delegated-${request.options.verb}`, route: "delegated" };
    this.audit?.sessionStart({ ...fields, reason: `source ${from}` });
    let outcome = "ok";
    let files = 0;
    let bytes = 0;
    const module = at.module;
    const src = `${from}:/${request.source.target.module ?? "/"}${request.source.target.module === null ? "" : "/"}${request.source.target.path}`;
    this.log.info(`delegated ${request.options.verb}${request.options.dryRun ? " (dry run)" : ""}: pulling from ${src} into ${labelOf(module)}`);
    // The source daemon sees this daemon's own credential, never the client's.
    const token = this.token;
    await using connector = await compose.createSessionConnector(await sourceTrust(this.knownHosts), () => token);
    const deps = compose.createDaemonEngineDeps(signal, async () => connector);
    const dest = { kind: "store", store: module.store, path: at.path, trailingSlash: request.destination.trailingSlash, label: module.name ?? "(default export)" } as const;
    const run = runDelegatedPull(request, dest, deps);
    let ended = false;
    try {
      for await (const event of run) {
        if (event.t === "summary") {
          files = event.summary.files_transferred;
          bytes = event.summary.bytes_transferred;
          outcome = event.summary.outcome === "success" ? "ok" : event.summary.outcome;
        }
        if (event.t === "summary") this.log.info(`delegated ${request.options.verb} from ${from} done: ${event.summary.files_transferred} files, ${event.summary.bytes_transferred} bytes over ${event.summary.transport}, outcome ${event.summary.outcome}`);
        ended ||= event.t === "summary";
        yield hideIn(event, module);
      }
    } catch (e) {
      ended = true;
      outcome = outcomeOf(e);
      this.log.warn(`delegated ${request.options.verb} from ${from} failed: ${hideRoot(e instanceof Error ? e.message : String(e), module)}`);
      throw scrub(e, module);
    } finally {
      if (!ended) this.log.warn(`delegated ${request.options.verb} from ${from} cancelled: the client went away`);
      if (!ended) outcome = "CANCELLED";
      this.audit?.sessionEnd({ ...fields, files, bytes, outcome, duration_ms: Math.round(performance.now() - started) });
      // The source session closes with the connector: only once the run has stopped using it.
      await run.settled;
    }
  }

  // --- internal ---

  private check(from: string, request: DelegatedPull, caller: Caller): void {
    const refuse = (why: string): never => {
      this.log.info(`delegated pull from ${from} refused: ${why}`);
      this.audit?.refused({ client: caller.address, module: request.destination.target.module, verb: "delegated-pull", refusal: "auth", reason: `delegation from ${from}: ${why}` });
      throw new BlitError("PERMISSION_DENIED", `the destination daemon does not allow delegation from ${from} (${why})`, { delegation: "refused", source: from });
    };
    if (!this.config.allow) refuse("its [delegation] allow is false");
    if (!isAllowedSource(this.allowed, request.source.host, request.source.port)) refuse("not in its [delegation] allowed_sources");
  }
}

// --- internal ---

/** The destination daemon verifies source daemons like a client without a terminal, from its own known-hosts file. */
async function sourceTrust(knownHostsFile: string): Promise<TrustResolver> {
  const probe = await compose.tlsProbe();
  return createTrustResolver({ pin: null, ca: null, noTls: false, identity: null, knownHostsFile, who: "daemon" }, fileTrustIo(probe, null));
}

const address = (host: string, port: number): string => `${host.includes(":") ? `[${host}]` : host}:${port}`;

function hideIn(event: DelegationEvent, module: Export): DelegationEvent {
  if (event.t === "warning") return { t: "warning", message: hideRoot(event.message, module) };
  if (event.t !== "summary") return event;
  const failures = event.summary.failures.map((f) => ({ ...f, error: hideRoot(f.error, module) }));
  return { t: "summary", summary: { ...event.summary, failures, fallback_reason: event.summary.fallback_reason === null ? null : hideRoot(event.summary.fallback_reason, module) } };
}
