/** Turns blit's lossless path strings into what node:fs takes (a Buffer only for non-UTF-8 names). */
import { decodeNameBytes, encodeNameBytes, hasEscapedBytes } from "../../domain/rel-path.ts";

export type OsPath = string | Buffer;

/** A path node:fs accepts that names exactly the bytes of `p`. */
export const toOsPath = (p: string): OsPath => (hasEscapedBytes(p) ? Buffer.from(encodeNameBytes(p)) : p);

/** NUL-terminated bytes of `p`, for libc calls. */
export function toCPath(p: string): Uint8Array {
  const bytes = encodeNameBytes(p);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** A name read from the OS as bytes, in blit's string form. */
export const fromOsName = (b: Uint8Array): string => decodeNameBytes(b);

/** Joins an absolute directory and a relative path ("" for the directory itself). */
export const absJoin = (root: string, rel: string): string =>
  rel === "" ? root : root.endsWith("/") ? root + rel : `${root}/${rel}`;
