import { BlitError } from "./errors.ts";
import { displayName, type RelPath } from "./rel-path.ts";

/**
 * The one rule for names and paths that arrive from a peer (SPEC §5 Hostile peers): a client's
 * manifest and requests on the daemon, a daemon's listing during a pull, a source daemon's
 * listing during a delegated pull, a client's admin call.
 *
 * What a peer sent is `Unchecked`: a string at run time, but a type that is not a string, so
 * it cannot be used as a path or a name until one of the checks below turned it into a
 * `PeerName` or `PeerPath`. Those two types are produced by these checks only.
 *
 * A violation is BlitError PATH_ESCAPE (exit 4) naming the input and the rule, with
 * `details.violation = "peer"`: whoever receives it fails the whole session (isPeerViolation).
 */

declare const uncheckedBrand: unique symbol;
declare const nameBrand: unique symbol;
declare const pathBrand: unique symbol;

/** A name or path as a peer sent it, not yet checked. */
export type Unchecked = { readonly [uncheckedBrand]: true };

/** One path component from a peer: never empty, `.`, `..`, and without `/` or NUL. */
export type PeerName = string & { readonly [nameBrand]: true };

/** A peer's path normalized beneath its root: a RelPath ("" is the root itself). */
export type PeerPath = RelPath & { readonly [pathBrand]: true };

/** Marks what a peer sent as unchecked (the wire adapters call it on every name they decode). */
export const unchecked = (s: string): Unchecked => s as unknown as Unchecked;

/** Marks a whole list of a peer's entries as unchecked, without copying it. */
export const uncheckedEntries = <T extends { readonly name: string }>(entries: readonly T[]): readonly (Omit<T, "name"> & { readonly name: Unchecked })[] =>
  entries as unknown as readonly (Omit<T, "name"> & { readonly name: Unchecked })[];

/** A printable form of what a peer sent, for messages. */
export const shownUnchecked = (u: Unchecked): string => displayName(u as unknown as string);

/**
 * `u` as one directory entry name. `from` says who sent it, for the message (e.g. "the daemon at
 * h:9031"). Throws PATH_ESCAPE for "", ".", "..", a `/` or a NUL byte.
 */
export function checkName(u: Unchecked, from: string): PeerName {
  const s = u as unknown as string;
  const why = s === "" ? ", which is empty" : isDotName(s) ? "" : s.includes("/") ? ", which contains '/'" : s.includes("\0") ? ", which contains a NUL byte" : null;
  if (why === null) return s as PeerName;
  throw violation(`${from} sent the entry name '${displayName(s)}'${why}: a name is one path component (never empty, '.' or '..', never with '/' or NUL); refused`, s);
}

/**
 * `u` as a path beneath its root, normalized: empty segments and `.` collapse and `..` steps back
 * one segment, so every spelling of the root ("", ".", "./", "a/..") is "". Refused (PATH_ESCAPE):
 * a `..` that would leave the root, a leading `/`, a NUL byte, a backslash. `root` names the root
 * for the message (e.g. "module 'backup'"). Nothing is decoded: `%2e%2e` is a name of six characters.
 */
export function checkPath(u: Unchecked | string, root: string): PeerPath {
  const raw = u as unknown as string;
  if (raw.includes("\0")) throw escape(raw, root, "contains a NUL byte");
  if (raw.includes("\\")) throw escape(raw, root, "contains a backslash (names are separated by '/')");
  if (raw.startsWith("/")) throw escape(raw, root, "is absolute");
  const kept: string[] = [];
  for (const segment of raw.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") kept.push(segment);
    else if (kept.pop() === undefined) throw escape(raw, root, `leaves ${root} through '..'`);
  }
  return kept.join("/") as PeerPath;
}

/**
 * A directory typed by a user (--link-dest, --backup-dir) resolved lexically below a root: relative
 * to `base` (a RelPath), or to the root itself when it starts with `/`. Null when its `..` steps
 * climb above the root.
 */
export function resolveBelow(base: RelPath, typed: string): RelPath | null {
  const kept = typed.startsWith("/") ? [] : base.split("/").filter((s) => s !== "");
  for (const segment of typed.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") kept.push(segment);
    else if (kept.pop() === undefined) return null;
  }
  return kept.join("/");
}

/** True for "." and "..", the two names that never name an entry of their own. */
export const isDotName = (s: string): boolean => s === "." || s === "..";

/** True when `path` has a ".." segment ('/'-separated): it would step out of where it is resolved. */
export const hasParentSegment = (path: string): boolean => path.split("/").includes("..");

/** A path under a checked directory: `dir` joined with one checked name. */
export const joinPeer = (dir: PeerPath, name: PeerName): PeerPath => (dir === "" ? name : `${dir}/${name}`) as unknown as PeerPath;

/** True when `e` is a broken rule of this file: the peer is hostile, and the session must fail. */
export const isPeerViolation = (e: BlitError): boolean => e.code === "PATH_ESCAPE" && e.details.violation === "peer";

// --- internal ---

const violation = (message: string, path: string): BlitError => new BlitError("PATH_ESCAPE", message, { path, violation: "peer" });

const escape = (raw: string, root: string, why: string): BlitError =>
  violation(`path '${displayName(raw)}' ${why}: paths stay inside ${root}, relative to it, e.g. dir/file`, raw);
