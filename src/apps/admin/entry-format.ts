import type { EntryMeta } from "../../domain/entry.ts";
import { NS_PER_SEC } from "../../domain/entry.ts";
import { displayName } from "../../domain/rel-path.ts";
import type { ModuleList } from "../../ports/control.ts";

/** How admin verbs show entries, sizes and module lists, for people and for --json. */

/** `drwxr-xr-x`-style mode string. */
export function modeString(meta: EntryMeta): string {
  const type = meta.kind === "dir" ? "d" : meta.kind === "symlink" ? "l" : meta.kind === "special" ? "s" : "-";
  const bits = "rwxrwxrwx";
  let text = type;
  for (let i = 0; i < 9; i++) text += meta.mode & (1 << (8 - i)) ? bits[i] : "-";
  return text;
}

/** mtime as `YYYY-MM-DD HH:MM:SS` (UTC). */
export function timeString(meta: EntryMeta): string {
  return new Date(Number(meta.mtimeNs / 1_000_000n)).toISOString().replace("T", " ").slice(0, 19);
}

/** A byte count for people: 1023 B, 1.5 KiB, 3.2 GiB. */
export function humanBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** An entry's metadata for --json. */
export function metaJson(meta: EntryMeta): Record<string, unknown> {
  return {
    kind: meta.kind,
    size: meta.size,
    mode: meta.mode,
    mtime: Number(meta.mtimeNs / NS_PER_SEC),
    mtime_ns: Number(meta.mtimeNs % NS_PER_SEC),
    ...(meta.linkTarget !== undefined && { target: displayName(meta.linkTarget) }),
  };
}

/** One line per entry: mode, size, mtime, name (`-> target` for symlinks). */
export function entryLine(name: string, meta: EntryMeta): string {
  const link = meta.linkTarget === undefined ? "" : ` -> ${displayName(meta.linkTarget)}`;
  const shown = displayName(name) + (meta.kind === "dir" ? "/" : "");
  return `${modeString(meta)} ${String(meta.size).padStart(12)} ${timeString(meta)} ${shown}${link}\n`;
}

/** `blit list` / `blit-utils list`: the motd, then one line per module. */
export function formatModuleList(address: string, list: ModuleList, json: boolean, fingerprint: string | null = null): string {
  if (json) {
    const modules = list.modules.map((m) => ({ name: m.name, read_only: m.readOnly, auth_required: m.authRequired, comment: m.comment }));
    const fallback = list.defaultExport === null ? null : { read_only: list.defaultExport.readOnly };
    return `${JSON.stringify({ daemon: address, version: list.version, motd: list.motd, modules, default_export: fallback, tls: fingerprint !== null, fingerprint })}\n`;
  }
  const lines: string[] = [];
  if (list.motd !== "") lines.push(list.motd, "");
  const width = Math.max(8, ...list.modules.map((m) => m.name.length));
  for (const m of list.modules) lines.push(`${m.name.padEnd(width)}  ${m.readOnly ? "ro" : "rw"}  ${m.comment}${m.authRequired ? "  (authentication required)" : ""}`.trimEnd());
  if (list.defaultExport !== null) lines.push(`${"//".padEnd(width)}  ${list.defaultExport.readOnly ? "ro" : "rw"}  (default export: ${address}://)`);
  if (lines.length === 0 || (list.modules.length === 0 && list.defaultExport === null)) lines.push(`${address} exports nothing`);
  lines.push("", fingerprint === null ? `${address}: plaintext (no TLS)` : `${address}: TLS, certificate ${fingerprint}`);
  return `${lines.join("\n")}\n`;
}
