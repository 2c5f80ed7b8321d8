import { createConsola, type ConsolaInstance, type LogObject } from "consola";
import { LOG_LEVELS, type LogLevelName } from "./daemon-flags.ts";

/**
 * The daemon's logger: consola writing to stderr only (stdout carries the ready line), plain
 * text or one JSON object per line for containers.
 */
export function createDaemonLog(level: LogLevelName, json: boolean): ConsolaInstance {
  const base = { level: LOG_LEVELS[level], stdout: process.stderr, stderr: process.stderr };
  if (!json) return createConsola(base);
  return createConsola({ ...base, reporters: [{ log: (entry: LogObject) => process.stderr.write(`${toJson(entry)}\n`) }] });
}

// --- internal ---

function toJson(entry: LogObject): string {
  const message = entry.args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ");
  // Audit lines (daemon-audit.ts) carry their fields as keys of the object too.
  const audit = (entry as LogObject & { audit?: Record<string, unknown> }).audit;
  return JSON.stringify({ time: entry.date.toISOString(), level: entry.type, message, ...(audit !== undefined && { audit }) });
}
