/**
 * `[daemon] hosts_allow` / `hosts_deny` (SPEC §9): addresses and CIDRs, IPv4 and IPv6. A client
 * address is refused when it matches a `hosts_deny` entry, or when `hosts_allow` is not empty and
 * it matches none of its entries (deny wins). An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is
 * the IPv4 address.
 */

/** One parsed entry: the address as bytes (4 or 16) and how many leading bits must match. */
export interface HostRule {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** The rules of a daemon. */
export interface HostRules {
  readonly allow: readonly HostRule[];
  readonly deny: readonly HostRule[];
}

export const OPEN_HOST_RULES: HostRules = { allow: [], deny: [] };

/** `text` as a rule (`10.0.0.7`, `10.0.0.0/8`, `::1`, `fd00::/8`), or null when it is neither. */
export function parseHostRule(text: string): HostRule | null {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseAddress(addr);
  if (bytes === null) return null;
  const max = bytes.length * 8;
  if (slash < 0) return { text, bytes, bits: max };
  const suffix = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(suffix) || Number(suffix) > max) return null;
  return { text, bytes, bits: Number(suffix) };
}

/** Why `address` is refused ("hosts_deny entry 10.0.0.0/8", "not in hosts_allow"), or null when it may connect. */
export function hostRefusal(rules: HostRules, address: string): string | null {
  if (rules.allow.length === 0 && rules.deny.length === 0) return null;
  const bytes = parseAddress(address);
  if (bytes === null) return "its address is unknown";
  const denied = rules.deny.find((r) => matches(r, bytes));
  if (denied !== undefined) return `hosts_deny entry ${denied.text}`;
  if (rules.allow.length > 0 && !rules.allow.some((r) => matches(r, bytes))) return "not in hosts_allow";
  return null;
}

/** An IPv4 or IPv6 address as 4 or 16 bytes (IPv4-mapped IPv6 as 4); null when it is not one. */
export function parseAddress(text: string): Uint8Array | null {
  const t = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!t.includes(":")) return parseV4(t);
  const v6 = parseV6(t);
  if (v6 === null) return null;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

// --- internal ---

function matches(rule: HostRule, bytes: Uint8Array): boolean {
  if (rule.bytes.length !== bytes.length) return false;
  let bits = rule.bits;
  for (let i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((rule.bytes[i] ?? 0) & mask) !== ((bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function parseV4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? "";
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

function parseV6(text: string): Uint8Array | null {
  let t = text;
  let tail: Uint8Array | null = null;
  const lastColon = t.lastIndexOf(":");
  if (t.slice(lastColon + 1).includes(".")) {
    tail = parseV4(t.slice(lastColon + 1));
    if (tail === null) return null;
    t = `${t.slice(0, lastColon + 1)}0:0`;
  }
  const halves = t.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): string[] | null => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0] ?? "");
  const rest = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (head === null || rest === null) return null;
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i] ?? "";
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  }
  if (tail !== null) out.set(tail, 12);
  return out;
}
