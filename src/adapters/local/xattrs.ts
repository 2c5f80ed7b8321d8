/**
 * Extended attributes and POSIX ACLs of local entries, read and written as raw name/value pairs (rsync -X and -A on
 * Linux: an ACL is the value of system.posix_acl_access / system.posix_acl_default, numeric ids included).
 *
 * Which names blit keeps: `user.*` and the two ACL names always; `trusted.*` and `security.*` only when privileged
 * (root), since only root may read or write them. Paths are never followed through a final symlink.
 */
import { BlitError } from "../../domain/errors.ts";
import { ACL_DEFAULT, attributeKind, FIDELITY_KIND_TEXT, fidelityLoss, keptAttribute, NO_XATTRS, type FidelityKind, type Xattr } from "../../domain/fidelity.ts";
import { displayName } from "../../domain/rel-path.ts";
import { ERRNO, getXattr, listXattrs, listXattrsAt, removeXattr, setXattr, type XattrTarget } from "./fidelity.ffi.ts";
import { fromOsName, toCPath } from "./os-path.ts";

/**
 * The entry an attribute call acts on: an open descriptor, or an absolute path (its final symlink not followed) as a
 * string or as the NUL-terminated bytes of os-path.ts `toCPath` (a listing that already encoded it for statx).
 */
export type XattrEntry = number | string | Uint8Array;

export interface XattrOptions {
  /** Also keep `trusted.*` and `security.*` (needs root). Defaults to whether this process runs as root. */
  readonly privileged?: boolean;
}

/**
 * The attributes blit keeps of `entry`, sorted by name. A filesystem that holds no attributes (ENOTSUP) has none,
 * as has a platform without the calls; an attribute removed between listing and reading is left out.
 * Throws BlitError (NOT_FOUND, PERMISSION_DENIED, …) when the entry cannot be read.
 */
export function readXattrs(entry: XattrEntry, shown: string, options: XattrOptions = {}): Xattr[] {
  const target = toTarget(entry);
  const kept = listKept(target, shown, options.privileged ?? IS_ROOT);
  const out: Xattr[] = [];
  for (const [name, cName] of kept) {
    const [n, value] = withBuffer((b) => getXattr(target, cName, b));
    if (n === -ERRNO.ENODATA) continue;
    if (n < 0) throw failure(-n, shown, `read attribute ${name} of`);
    out.push([name, value.slice(0, n)]);
  }
  return out;
}

/**
 * {@link readXattrs} of entry `name` (NUL-terminated, one component) of the directory open as `dirFd`, whose whole
 * path is `base` + `leaf`: its names are listed relative to the directory (most entries have none, and a listing
 * stops there, with no path built); values are read by the whole path, as are entries where the kernel has no
 * listxattrat (or refuses its form: EINVAL).
 */
export function readXattrsAt(dirFd: number, name: Uint8Array, base: string, leaf: string, options: XattrOptions = {}): readonly Xattr[] {
  return readListedXattrs(listXattrsAt(dirFd, name, SMALL), SMALL, base, leaf, options);
}

/**
 * {@link readXattrsAt} once the entry's names are listed: `n` is listxattrat's answer (a byte length, then the names
 * are in `names`, or a negative errno).
 */
export function readListedXattrs(n: number, names: Uint8Array, base: string, leaf: string, options: XattrOptions = {}): readonly Xattr[] {
  if (n === 0 || n === -ERRNO.EOPNOTSUPP) return NO_XATTRS;
  if (n > 0 && !anyKept(names, n, options.privileged ?? IS_ROOT)) return NO_XATTRS;
  const shown = base + leaf;
  if (n > 0 || n === -ERRNO.ENOSYS || n === -ERRNO.EINVAL || n === -ERRNO.ERANGE) return readXattrs(toCPath(shown), shown, options);
  throw failure(-n, shown, "list attributes of");
}

/**
 * Makes the kept attributes of `entry` exactly `attrs`: each is set (created or replaced) and kept names that
 * `attrs` lacks are removed, except `security.*` names, which a destination's security module may assign itself.
 * Write onto a temporary's descriptor after its owner and mode are final (chown clears security.capability, and
 * an ACL's mask and the mode's group bits are one value) and before its mtime.
 *
 * Returns one UNSUPPORTED BlitError per kind the destination cannot hold (no support for attributes or ACLs, or an
 * attribute too large for it), with `details.kind` and `details.path`: the engine warns once per kind and goes on.
 * Other failures throw BlitError (PERMISSION_DENIED, NOT_FOUND, …).
 */
export function writeXattrs(entry: XattrEntry, attrs: readonly Xattr[], shown: string, options: XattrOptions = {}): BlitError[] {
  const target = toTarget(entry);
  const privileged = options.privileged ?? IS_ROOT;
  const unsupported = new Map<FidelityKind, BlitError>();
  const miss = (name: string, errno: number): void => {
    const kind = attributeKind(name);
    if (!unsupported.has(kind)) unsupported.set(kind, unsupportedError(kind, name, errno, shown));
  };
  const wanted = new Set(attrs.map(([name]) => name));
  for (const [name, cName] of listKept(target, shown, privileged)) {
    if (wanted.has(name) || name.startsWith("security.")) continue;
    const rc = removeXattr(target, cName);
    if (rc < 0 && rc !== -ERRNO.ENODATA) throw failure(-rc, shown, `remove attribute ${name} of`);
  }
  for (const [name, value] of attrs) {
    if (!keptAttribute(name, privileged)) continue;
    const rc = setXattr(target, toCPath(name), value);
    if (rc >= 0) continue;
    if (CANNOT_HOLD.has(-rc)) miss(name, -rc);
    else throw failure(-rc, shown, `set attribute ${name} on`);
  }
  return [...unsupported.values()];
}

/**
 * True when directory `dir` (absolute, or a descriptor) has a default ACL: only then does a file created in it start
 * with a kept attribute (the access ACL it inherits). A filesystem without ACLs has none.
 */
export function hasDefaultAcl(dir: XattrEntry): boolean {
  const n = getXattr(toTarget(dir), ACL_DEFAULT_C, PROBE);
  return n >= 0 || n === -ERRNO.ERANGE;
}

// --- internal ---

const ACL_DEFAULT_C = toCPath(ACL_DEFAULT);
/** A value buffer for presence checks (ERANGE also means present). */
const PROBE = new Uint8Array(1);

const IS_ROOT = process.geteuid?.() === 0;
/**
 * Buffers for name lists and values. The kernel allocates as much as the buffer passed, so calls try a small one
 * first and retry with one of XATTR_LIST_MAX / XATTR_SIZE_MAX (64 KiB on Linux, enough for any list or value) on
 * ERANGE; no size probe is needed.
 */
const SMALL = new Uint8Array(4096);
const LARGE = new Uint8Array(64 * 1024);

/** Calls `fill` with the small buffer, then with the large one on ERANGE; returns the answer and the buffer used. */
function withBuffer(fill: (out: Uint8Array) => number): [n: number, out: Uint8Array] {
  const n = fill(SMALL);
  return n === -ERRNO.ERANGE ? [fill(LARGE), LARGE] : [n, SMALL];
}

/**
 * Answers of a set call that mean "this destination cannot hold it": no support (EOPNOTSUPP, which is ENOTSUP on
 * Linux; ENOSYS where the platform has no calls), a value over its limit (E2BIG; ext4 answers ENOSPC when a value
 * does not fit its attribute block).
 */
const CANNOT_HOLD: ReadonlySet<number> = new Set([ERRNO.EOPNOTSUPP, ERRNO.ENOSYS, ERRNO.E2BIG, ERRNO.ENOSPC]);

const toTarget = (entry: XattrEntry): XattrTarget => (typeof entry === "string" ? toCPath(entry) : entry);

/**
 * The kept attribute names of `target`, sorted, each with its NUL-terminated bytes for the next call; none where the
 * filesystem holds no attributes.
 */
function listKept(target: XattrTarget, shown: string, privileged: boolean): [name: string, cName: Uint8Array][] {
  const [n, names] = withBuffer((b) => listXattrs(target, b));
  if (n === 0 || n === -ERRNO.EOPNOTSUPP || n === -ERRNO.ENOSYS) return [];
  if (n < 0) throw failure(-n, shown, "list attributes of");
  const out: [string, Uint8Array][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (names[i] !== 0) continue;
    const name = fromOsName(names.subarray(start, i));
    if (keptAttribute(name, privileged)) out.push([name, names.slice(start, i + 1)]);
    start = i + 1;
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** True when the NUL-separated names in `names[0, n)` hold one blit keeps. */
function anyKept(names: Uint8Array, n: number, privileged: boolean): boolean {
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (names[i] !== 0) continue;
    if (keptAttribute(fromOsName(names.subarray(start, i)), privileged)) return true;
    start = i + 1;
  }
  return false;
}

function unsupportedError(kind: FidelityKind, name: string, errno: number, shown: string): BlitError {
  const why =
    errno === ERRNO.E2BIG || errno === ERRNO.ENOSPC
      ? `the destination cannot hold attribute ${name} (${errno === ERRNO.E2BIG ? "too large" : "no room for it"})`
      : `the destination filesystem does not hold ${FIDELITY_KIND_TEXT[kind]}`;
  return fidelityLoss(kind, `${why}: not kept on ${displayName(shown)}`, { path: shown, name, errno: ERRNO_NAME[errno] ?? errno });
}

const ERRNO_NAME: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(ERRNO).map(([k, v]) => [v, k]));

const FAILURE_CODE: Readonly<Record<number, "NOT_FOUND" | "PERMISSION_DENIED" | "READ_ONLY">> = {
  [ERRNO.ENOENT]: "NOT_FOUND",
  [ERRNO.ENOTDIR]: "NOT_FOUND",
  [ERRNO.EPERM]: "PERMISSION_DENIED",
  [ERRNO.EACCES]: "PERMISSION_DENIED",
  [ERRNO.EROFS]: "READ_ONLY",
};

function failure(errno: number, shown: string, action: string): BlitError {
  const name = ERRNO_NAME[errno] ?? `errno ${errno}`;
  return new BlitError(FAILURE_CODE[errno] ?? "INTERNAL", `cannot ${action} ${displayName(shown)}: ${name}`, { path: shown, errno: name });
}
