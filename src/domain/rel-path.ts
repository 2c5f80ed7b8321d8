/**
 * Relative paths and names-as-bytes.
 *
 * A RelPath is '/'-separated, has no leading or trailing '/', no '.' or '..' segment, and is ""
 * for the root of a transfer. File names are byte sequences: a name that is valid UTF-8 is its
 * ordinary string; each byte that is not part of valid UTF-8 is stored as the lone surrogate
 * U+DC80+byte ("surrogateescape", as Python does). Valid UTF-8 never decodes to a lone surrogate, so
 * the mapping is lossless both ways and costs nothing for ordinary names.
 */
export type RelPath = string;

/** Joins a directory RelPath and one name. */
export const joinRel = (dir: RelPath, name: string): RelPath => (dir === "" ? name : `${dir}/${name}`);

/** The parent of a RelPath ("" for a top-level name). */
export function parentRel(path: RelPath): RelPath {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** The last segment of a RelPath. */
export function baseName(path: RelPath): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

/** Depth of a RelPath: "" is 0, "a" is 1, "a/b" is 2. */
export const depthRel = (path: RelPath): number => (path === "" ? 0 : path.split("/").length);

/** True when `path` is `dir` itself or lies below it. */
export const isWithinRel = (path: RelPath, dir: RelPath): boolean =>
  dir === "" || path === dir || path.startsWith(`${dir}/`);

// eslint-disable-next-line no-control-regex
const ESCAPED = /[\udc80-\udcff]/;

/** True when the name holds bytes that are not valid UTF-8 (stored as escapes). */
export const hasEscapedBytes = (s: string): boolean => ESCAPED.test(s);

/** Decodes raw name bytes into the lossless string form described above. */
export function decodeNameBytes(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let cp = len === 2 ? b & 0x1f : len === 3 ? b & 0x0f : b & 0x07;
    let ok = len > 0 && i + len <= bytes.length;
    for (let k = 1; ok && k < len; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && len === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok && len === 4 && (cp < 0x10000 || cp > 0x10ffff)) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += len;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

const UTF8 = new TextEncoder();

/** Encodes a name or path string back into its exact bytes. */
export function encodeNameBytes(s: string): Uint8Array {
  if (!hasEscapedBytes(s)) return UTF8.encode(s);
  const parts: number[] = [];
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) parts.push(c - 0xdc00);
    else for (const b of UTF8.encode(ch)) parts.push(b);
  }
  return Uint8Array.from(parts);
}

/** A printable form: escaped bytes shown as \xNN, control characters as \xNN. */
export function displayName(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\udc80-\udcff\u0000-\u001f\u007f]/g, (ch) => {
    const c = ch.charCodeAt(0);
    const b = c >= 0xdc80 ? c - 0xdc00 : c;
    return `\\x${b.toString(16).padStart(2, "0")}`;
  });
}

/** Byte-order comparison of two names/paths (UTF-8 byte order; escaped bytes sort as bytes). */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  if (!hasEscapedBytes(a) && !hasEscapedBytes(b) && isBmpOnly(a) && isBmpOnly(b)) return a < b ? -1 : 1;
  const x = encodeNameBytes(a);
  const y = encodeNameBytes(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// --- internal ---
const NON_BMP_OR_HIGH = /[\ud800-\udfff\ue000-\uffff]/;
const isBmpOnly = (s: string): boolean => !NON_BMP_OR_HIGH.test(s);

// eslint-disable-next-line no-control-regex
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` as valid UTF-8 can carry it (a protobuf string, a gRPC status message): bytes of a name
 * that were not UTF-8 appear as \xNN, as displayName shows them; any other lone surrogate as \uXXXX.
 */
export function wireText(text: string): string {
  if (!ANY_SURROGATE.test(text)) return text;
  return text.replace(LONE_SURROGATE, (ch) => {
    const c = ch.charCodeAt(0);
    return c >= 0xdc80 && c <= 0xdcff ? `\\x${(c - 0xdc00).toString(16).padStart(2, "0")}` : `\\u${c.toString(16)}`;
  });
}

const ANY_SURROGATE = /[\ud800-\udfff]/;
