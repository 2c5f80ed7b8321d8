/**
 * The DNS-SD TXT record of a blit daemon (SPEC §7): `version`, `protocol`, `modules` (names joined
 * by commas, cut to fit), `modules_truncated` and `motd` ("1" when the daemon has one).
 * Module names never contain a comma ([A-Za-z0-9._-]+), so the list needs no escaping.
 */

/** The service type, as DNS-SD writes it and as the mDNS libraries take it. */
export const SERVICE_TYPE = "_blit._tcp.local.";
export const SERVICE_NAME = "blit";

/** A TXT string is at most 255 bytes; this leaves room for `modules=`. */
const MODULES_MAX_BYTES = 240;

export interface TxtFields {
  readonly version: string;
  readonly protocol: string;
  readonly modules: readonly string[];
  readonly modulesTruncated: boolean;
  readonly motd: boolean;
}

/** The TXT key/value pairs announcing `fields`; the module list keeps whole names that fit. */
export function encodeTxt(fields: Omit<TxtFields, "modulesTruncated">): Record<string, string> {
  const kept: string[] = [];
  let bytes = 0;
  for (const name of fields.modules) {
    const cost = name.length + (kept.length === 0 ? 0 : 1);
    if (bytes + cost > MODULES_MAX_BYTES) break;
    kept.push(name);
    bytes += cost;
  }
  return {
    version: fields.version,
    protocol: fields.protocol,
    modules: kept.join(","),
    modules_truncated: kept.length < fields.modules.length ? "1" : "0",
    motd: fields.motd ? "1" : "0",
  };
}

/** The fields of a TXT record (values as text or bytes); null when it is not a blit daemon's. */
export function decodeTxt(txt: Readonly<Record<string, unknown>>): TxtFields | null {
  const text = (key: string): string | null => {
    const value = txt[key];
    if (typeof value === "string") return value;
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    return null;
  };
  const version = text("version");
  if (version === null || version === "") return null;
  const modules = text("modules") ?? "";
  return {
    version,
    protocol: text("protocol") ?? "",
    modules: modules === "" ? [] : modules.split(",").filter((m) => m !== ""),
    modulesTruncated: text("modules_truncated") === "1",
    motd: text("motd") === "1",
  };
}

/** A DNS host label made from an instance name: `blit@nas 1` → `blit-nas-1`. */
export function hostLabel(instance: string): string {
  const label = instance.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  return label === "" ? "blit" : label;
}
