import { parseTransferEnd, type RemoteEndpoint } from "../../domain/endpoint.ts";
import { remoteLabel } from "../../domain/remote-label.ts";
import { isBlitError } from "../../domain/errors.ts";
import { overlaps } from "../../domain/transfer-roots.ts";
import type { TransferSummary } from "../../domain/summary.ts";
import type { DelegatedPull, DelegatedSummary } from "../../ports/delegation.ts";
import type { EngineDeps } from "./engine-deps.ts";
import type { TransferRequest } from "./transfer-request.ts";

/** What became of asking the destination daemon to pull: its summary, or why the bytes are relayed. */
export type DelegationOutcome = { readonly summary: TransferSummary } | { readonly relay: string };

/**
 * Remote→remote through the destination daemon (SPEC §6 DelegatedPull): the daemon pulls from the
 * source daemon itself and streams progress, warnings and changed entries to `deps.reporter`, then
 * its summary (route `delegated`). Returns `relay` with the reason — before anything was changed —
 * when the daemon refuses (delegation not allowed, or not from that source), cannot reach the
 * source, or does not serve DelegatedPull; and when the source is named by a loopback address the
 * destination daemon would take for itself. Returns null when the transfer is not remote→remote
 * (or delegation does not apply); other errors are thrown.
 */
export async function delegate(req: TransferRequest, deps: EngineDeps): Promise<DelegationOutcome | null> {
  const ends = remoteEnds(req, deps);
  if (ends === null || deps.delegation === undefined) return null;
  const { src, dst } = ends;
  if ((req.linkDest?.length ?? 0) > 0 || req.backupDir !== undefined) return { relay: "a delegated pull does not take --link-dest or --backup-dir" };
  if (isLoopback(src.host) && !isLoopback(dst.host)) {
    return { relay: `the source ${remoteLabel(src, src.path)} is a loopback address, which the destination daemon would take for itself` };
  }
  const client = await deps.delegation();
  let started = false;
  try {
    for await (const event of client.delegatedPull({ host: dst.host, port: dst.port }, toDelegatedPull(req, src, dst), deps.signal)) {
      started = true;
      if (event.t === "progress") deps.reporter.progress(event.snapshot);
      else if (event.t === "warning") deps.reporter.warn(event.message);
      else if (event.t === "item") deps.reporter.item(event.action, event.path, event.change);
      else return { summary: summaryOf(req, event.summary) };
    }
  } catch (e) {
    const reason = started ? null : relayReason(e);
    if (reason === null) throw e;
    return { relay: reason };
  }
  return { relay: "the destination daemon ended the delegated pull without a summary" };
}

// --- internal ---

/** Both ends when both are on daemons and not overlapping in one module (the relay refuses that). */
function remoteEnds(req: TransferRequest, deps: EngineDeps): { src: RemoteEndpoint; dst: RemoteEndpoint } | null {
  if (req.ends !== undefined) return null;
  let src, dst;
  try {
    src = parseTransferEnd(req.source, { home: deps.home, cwd: deps.cwd });
    dst = parseTransferEnd(req.destination, { home: deps.home, cwd: deps.cwd });
  } catch {
    return null;
  }
  if (src.kind !== "remote" || dst.kind !== "remote") return null;
  const sameModule = src.host === dst.host && src.port === dst.port && src.module === dst.module;
  if (sameModule && overlaps(`/${src.path}`, `/${dst.path}`)) return null;
  return { src, dst };
}

/**
 * The daemon's counters as the SPEC §3 summary, keys in the order of every other route. A
 * delegating daemon talks only to TLS sources, so a delegated run's data plane is always TLS.
 */
function summaryOf(req: TransferRequest, s: DelegatedSummary): TransferSummary {
  const { transport, fallback_reason, outcome, ...counters } = s;
  return { operation: req.verb, source: req.source, destination: req.destination, route: "delegated", transport, dry_run: req.dryRun, ...counters, tls: true, fallback_reason, outcome };
}

function toDelegatedPull(req: TransferRequest, src: RemoteEndpoint, dst: RemoteEndpoint): DelegatedPull {
  return {
    source: { host: src.host, port: src.port, target: { module: src.module, path: src.path }, contentsOnly: src.contentsOnly },
    destination: { target: { module: dst.module, path: dst.path }, trailingSlash: dst.trailingSlash },
    options: {
      verb: req.verb,
      compare: req.compare,
      ignoreExisting: req.ignoreExisting,
      filter: req.filter,
      dryRun: req.dryRun,
      maxDelete: req.maxDelete,
      resume: req.resume,
      ...(req.deleteExcluded === true && { deleteExcluded: true }),
      ...(req.timeoutSec !== undefined && { timeoutSec: req.timeoutSec }),
      ...(req.bwlimit !== undefined && { bwlimit: req.bwlimit }),
      forceGrpcData: req.forceGrpcData === true,
    },
  };
}

/** Why to relay after the daemon's answer `e`, or null when `e` is a failure of the transfer itself. */
function relayReason(e: unknown): string | null {
  if (!isBlitError(e)) return null;
  if (e.details.delegation === "refused" || e.details.delegation === "source-unreachable") return e.message;
  if (e.code === "TRANSPORT_UNAVAILABLE" || e.code === "PROTOCOL_MISMATCH") return `the destination daemon does not serve delegated pulls (${e.message})`;
  return null;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h.startsWith("127.") || h === "::1" || h === "0:0:0:0:0:0:0:1";
}
