import { BlitError } from "./errors.ts";

/** Every temporary file blit writes starts with this prefix; such names are never transferred. */
export const TEMP_PREFIX = ".blit-tmp-";

/** The longest file name, in bytes, that common filesystems accept. */
export const MAX_NAME_BYTES = 255;

/** True when `name` is a blit temporary (starts with {@link TEMP_PREFIX}). */
export const isTemporaryName = (name: string): boolean => name.startsWith(TEMP_PREFIX);

/** Ends the token of a new directory's temporary name (a directory filled before it is renamed into place). */
export const STAGED_DIR_MARK = ".dir";
const STAGED_DIR = /^\.blit-tmp-[^-/]*\.dir-/;

/** True when `name` is the temporary name of a directory (its token ends with {@link STAGED_DIR_MARK}). */
export const isStagedDirName = (name: string): boolean => STAGED_DIR.test(name);

/**
 * The temporary name for writing `name`: `.blit-tmp-<token>-<name>`, with `name` cut (at a
 * character boundary) so the whole stays within {@link MAX_NAME_BYTES} bytes once encoded
 * (names-as-bytes: an escaped byte of rel-path.ts counts as one byte). The token is what makes the
 * name unique and is kept whole, so it must be non-empty and hold no `-` or `/`; otherwise, or when
 * it alone is too long, BlitError INTERNAL is thrown.
 */
export function temporaryNameFor(name: string, token: string): string {
  const head = `${TEMP_PREFIX}${token}-`;
  const headBytes = byteLength(head);
  if (token === "" || token.includes("-") || token.includes("/") || headBytes >= MAX_NAME_BYTES) {
    throw new BlitError("INTERNAL", `invalid temporary-name token '${token}'`, { token });
  }
  const budget = MAX_NAME_BYTES - headBytes;
  if (name.length * 3 <= budget) return head + name;
  let used = 0;
  let end = 0;
  for (const ch of name) {
    used += charBytes(ch);
    if (used > budget) break;
    end += ch.length;
  }
  return head + name.slice(0, end);
}

// --- internal ---

/** Encoded size of one code point (an escaped byte U+DC80..U+DCFF is one raw byte). */
function charBytes(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (c < 0x80 || (c >= 0xdc80 && c <= 0xdcff)) return 1;
  if (c < 0x800) return 2;
  return c < 0x10000 ? 3 : 4;
}

function byteLength(s: string): number {
  let n = 0;
  for (const ch of s) n += charBytes(ch);
  return n;
}
