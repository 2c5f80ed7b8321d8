/**
 * Race-free containment for a store rooted at an open directory (a daemon module with
 * use_chroot): every parent directory is opened with openat2(RESOLVE_BENEATH) from the root's
 * descriptor, and the operation then names `/proc/self/fd/<parent>/<leaf>`. The kernel resolves
 * that to the directory already opened, so swapping a parent for a symlink mid-operation cannot
 * redirect it; operations never follow the final component (lstat, O_NOFOLLOW, rename, unlink).
 * Descriptors opened for one job are closed when it ends.
 */
import * as fs from "node:fs";
import { BlitError } from "../../domain/errors.ts";
import { displayName } from "../../domain/rel-path.ts";
import { isDotName } from "../../domain/peer-path.ts";
import { openBeneath } from "./libc.ffi.ts";
import { toCPath } from "./os-path.ts";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
const O_CLOEXEC = 0o2000000;
const O_PATH = 0o10000000;
const ERRNO_NAME: Readonly<Record<number, string>> = { 2: "ENOENT", 13: "EACCES", 20: "ENOTDIR", 40: "ELOOP", 24: "EMFILE" };
const EXDEV = 18;
const ENOSYS = 38;

export class Beneath {
  readonly contained = true;
  private readonly opened: number[] = [];
  /** `/proc/self/fd/N` prefix → the module-relative directory it stands for (for messages). */
  private readonly names = new Map<string, string>();
  /** Parent directories opened by this job, reused by its other entries. */
  private readonly parents = new Map<string, number>();

  constructor(private readonly rootFd: number) {
    this.names.set(`/proc/self/fd/${rootFd}`, "");
  }

  /**
   * A path naming `rel` inside its parent, the parent resolved beneath the root. A last segment
   * of "", "." or ".." would name the parent or above it: PATH_ESCAPE.
   */
  path(rel: string): string {
    if (rel === "") return `/proc/self/fd/${this.rootFd}/.`;
    const slash = rel.lastIndexOf("/");
    const parent = slash < 0 ? "" : rel.slice(0, slash);
    const leaf = rel.slice(slash + 1);
    if (leaf === "" || isDotName(leaf)) {
      throw new BlitError("PATH_ESCAPE", `${displayName(rel)} does not end in a name inside the module: refused`, { path: rel });
    }
    let fd = parent === "" ? this.rootFd : this.parents.get(parent);
    if (fd === undefined) {
      fd = this.open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
      this.parents.set(parent, fd);
    }
    return `/proc/self/fd/${fd}/${leaf}`;
  }

  /** A path naming directory `rel` itself (opened without following a symlink), for listing it. */
  dir(rel: string): string {
    if (rel === "") return `/proc/self/fd/${this.rootFd}`;
    try {
      return `/proc/self/fd/${this.open(rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)}`;
    } catch (e) {
      if (fs.lstatSync(this.path(rel), { throwIfNoEntry: false })?.isSymbolicLink() !== true) throw e;
      throw new BlitError("PATH_ESCAPE", `${displayName(rel)} is a symlink: this module does not follow symlinks`, { path: rel });
    }
  }

  /**
   * `message` with every `/proc/self/fd/N` this job opened replaced by the path it stands for; the
   * root itself (not as the parent of a name) is ROOT_NAME, so no message names an empty path.
   */
  describe(message: string, root = ROOT_NAME): string {
    return message.replace(/\/proc\/self\/fd\/\d+(\/\.(?=\W|$))?\/?/g, (m) => {
      const key = m.replace(/(\/\.)?\/?$/, "");
      const rel = this.names.get(key);
      if (rel === undefined) return m;
      if (rel === "") return m.endsWith("/") ? "" : root;
      return `${displayName(rel)}/`;
    });
  }

  /** A BlitError whose message and path speak of module-relative paths only. */
  scrub(e: BlitError): BlitError {
    const path = this.describe(String(e.details.path ?? ""), "").replace(/\/$/, "");
    return new BlitError(e.code, this.describe(e.message), { ...e.details, path });
  }

  close(): void {
    for (const fd of this.opened.splice(0)) fs.closeSync(fd);
  }

  // --- internal ---

  private open(rel: string, flags: number): number {
    const fd = openBeneath(this.rootFd, toCPath(rel), flags);
    if (fd < 0) throw errorFor(-fd, rel);
    this.opened.push(fd);
    this.names.set(`/proc/self/fd/${fd}`, rel);
    return fd;
  }
}

/** How messages name the root of a contained store (the daemon says which module's). */
export const ROOT_NAME = "the module root";

/** Opens a store root for Beneath: the configured path itself may be reached through symlinks. */
export function openRoot(abs: string): number {
  try {
    return fs.openSync(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
    throw new BlitError("NOT_FOUND", `${ROOT_NAME} is missing (deleted or unmounted?): create or mount it again; it is served from the next request on`, { path: "", errno: code });
  }
}

/**
 * True while open root `fd` is still the directory at `abs` (same device and inode). False once
 * the directory was replaced (deleted and created again, a disk mounted over it) or removed.
 */
export function rootCurrent(fd: number, abs: string): boolean {
  const now = fs.statSync(abs, { throwIfNoEntry: false });
  if (now === undefined) return false;
  const held = fs.fstatSync(fd);
  return held.ino === now.ino && held.dev === now.dev;
}


function errorFor(errno: number, rel: string): BlitError {
  const shown = displayName(rel);
  if (errno === EXDEV) return new BlitError("PATH_ESCAPE", `${shown} resolves outside the module (through a symlink or ..): refused`, { path: rel });
  if (errno === ENOSYS) return new BlitError("INTERNAL", "containment needs openat2 (Linux 5.6 or later)", { path: rel });
  const name = ERRNO_NAME[errno] ?? `errno ${errno}`;
  const code = name === "ENOENT" || name === "ENOTDIR" ? "NOT_FOUND" : name === "EACCES" ? "PERMISSION_DENIED" : name === "ELOOP" ? "PATH_ESCAPE" : "INTERNAL";
  const why = name === "ELOOP" ? "is a symlink where a directory was expected" : name === "ENOENT" || name === "ENOTDIR" ? "does not exist" : name.toLowerCase();
  return new BlitError(code, `cannot open ${shown}: ${why}`, { path: rel, errno: name });
}
