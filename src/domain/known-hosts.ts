/**
 * The known-hosts file of blit clients and delegating daemons (SPEC §9): one `HOST:PORT
 * sha256:HEX` per line (`[v6]:PORT` for IPv6), `#` comments and blank lines ignored. Hosts are
 * compared as written (case aside), without name resolution.
 */
import { isFingerprint } from "./fingerprint.ts";

/** One recorded daemon. */
export interface KnownHost {
  /** `host:port` as written, lower case. */
  readonly hostPort: string;
  readonly fingerprint: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

/** What a file holds: its entries and the lines that are neither entries nor comments. */
export interface KnownHosts {
  readonly entries: readonly KnownHost[];
  readonly malformed: readonly number[];
}

/** The key of `host` and `port` in the file (IPv6 literals in brackets). */
export function hostKey(host: string, port: number): string {
  const h = host.toLowerCase();
  return `${h.includes(":") ? `[${h}]` : h}:${port}`;
}

/** Parses the file's text. */
export function parseKnownHosts(text: string): KnownHosts {
  const entries: KnownHost[] = [];
  const malformed: number[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [hostPort, fingerprint, ...rest] = line.split(/\s+/);
    if (hostPort === undefined || fingerprint === undefined || rest.length > 0 || !/:\d+$/.test(hostPort) || !isFingerprint(fingerprint)) {
      malformed.push(i + 1);
      return;
    }
    entries.push({ hostPort: hostPort.toLowerCase(), fingerprint, line: i + 1 });
  });
  return { entries, malformed };
}

/** The first entry for `host:port`, or null. */
export function findKnownHost(known: KnownHosts, host: string, port: number): KnownHost | null {
  const key = hostKey(host, port);
  return known.entries.find((e) => e.hostPort === key) ?? null;
}

/** The line recording `fingerprint` for `host:port` (with its newline). */
export const knownHostLine = (host: string, port: number, fingerprint: string): string => `${hostKey(host, port)} ${fingerprint}\n`;
