import type { ConsolaInstance } from "consola";
import { isBlitError } from "../../domain/errors.ts";

/** "ok", or the code of the error that ended a call or session. */
export const outcomeOf = (e: unknown): string => (isBlitError(e) ? e.code : "INTERNAL");

/** The fields of one audit line (docs/daemon.md, "Audit trail"). Never a secret. */
export interface AuditFields {
  /** The client's IP address. */
  readonly client: string;
  /** The credential that admitted the client, or null (an open module, or none proven). */
  readonly credential?: string | null;
  /** The module, or null for the default export; absent when no module is concerned. */
  readonly module?: string | null;
  /** push, pull, delegated-pull, ls, find, du, df, rm, complete, connect, data. */
  readonly verb: string;
  readonly route?: string;
  readonly files?: number;
  readonly bytes?: number;
  /** ok, or the error code that ended it. */
  readonly outcome?: string;
  readonly duration_ms?: number;
  /** What was refused and why (refusals only). */
  readonly refusal?: "auth" | "read-only" | "escape" | "hosts" | "limit";
  readonly reason?: string;
  /** How long the answer to an authentication failure was held back. */
  readonly delay_ms?: number;
}

type AuditEvent = "session_start" | "session_end" | "call" | "refused";

/**
 * The daemon's audit trail, through its consola logger: one line at info when a session starts and
 * one when it ends, one per admin call, and every refusal at warn. A line reads
 * `audit EVENT key=value …`; with --json-logs the fields are keys of the JSON object too.
 */
export class DaemonAudit {
  constructor(private readonly log: ConsolaInstance) {}

  sessionStart(fields: AuditFields): void {
    this.write("info", "session_start", fields);
  }

  sessionEnd(fields: AuditFields): void {
    this.write("info", "session_end", fields);
  }

  call(fields: AuditFields): void {
    this.write("info", "call", fields);
  }

  refused(fields: AuditFields): void {
    this.write("warn", "refused", fields);
  }

  // --- internal ---

  private write(level: "info" | "warn", event: AuditEvent, fields: AuditFields): void {
    const pairs = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === "string" && /^[\x21-\x7e]+$/.test(v) && !v.includes('"') ? v : JSON.stringify(v)}`);
    this.log[level]({ message: `audit ${event} ${pairs.join(" ")}`, audit: { event, ...fields } });
  }
}
