/**
 * Temporary directories and declarative trees for end-to-end tests.
 * - `makeTempDir(prefix)`: a fresh directory under the OS temp dir, removed on dispose
 *   (`using dir = makeTempDir("x")` or `await using`).
 * - `writeTree(root, spec)`: creates files, directories and symlinks from a map of relative paths,
 *   with optional mode, owner and nanosecond mtime (applied after the contents, deepest first).
 * - `setMtimeNs(path, ns)`: sets an mtime to the nanosecond (utimensat through bun:ffi).
 * - `rawPath(root, ...parts)`: a Buffer path, for names that are not valid UTF-8.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";
import { chmodSync, lchownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempDir extends Disposable, AsyncDisposable {
  readonly path: string;
}

/** An mtime: a bigint is nanoseconds since the epoch, a number is seconds, or a Date. */
export type Mtime = bigint | number | Date;

export type FileBody = string | Uint8Array;

interface Meta {
  readonly mode?: number;
  readonly mtime?: Mtime;
  readonly uid?: number;
  readonly gid?: number;
}

export interface FileSpec extends Meta {
  readonly content: FileBody;
}

export interface DirSpec extends Meta {
  readonly dir: true;
}

export interface LinkSpec {
  readonly symlink: string;
  readonly mtime?: Mtime;
}

export type EntrySpec = FileBody | FileSpec | DirSpec | LinkSpec;

/** Relative path (with `/`) → what to create there. Missing parent directories are created. */
export type TreeSpec = Readonly<Record<string, EntrySpec>>;

/** A new empty directory; disposing removes it and everything inside. */
export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `blit-e2e-${prefix}-`));
  return {
    path,
    [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }),
    [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }),
  };
}

/** Creates `spec` below `root` (which is created when missing). */
export function writeTree(root: string, spec: TreeSpec): void {
  mkdirSync(root, { recursive: true });
  const dirs: [string, DirSpec][] = [];
  for (const [rel, entry] of Object.entries(spec)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof entry === "string" || entry instanceof Uint8Array) {
      writeFileSync(abs, entry);
    } else if ("symlink" in entry) {
      symlinkSync(entry.symlink, abs);
      if (entry.mtime !== undefined) setMtimeNs(abs, toNs(entry.mtime), true);
    } else if ("dir" in entry) {
      mkdirSync(abs, { recursive: true });
      dirs.push([abs, entry]);
    } else {
      writeFileSync(abs, entry.content);
      applyMeta(abs, entry);
    }
  }
  dirs.sort(([a], [b]) => b.split("/").length - a.split("/").length);
  for (const [abs, meta] of dirs) applyMeta(abs, meta);
}

/** A path as bytes: `rawPath(root, Buffer.from([0x61, 0xff, 0x62]))` names `a\xffb` in `root`. */
export function rawPath(root: string, ...parts: (string | Uint8Array)[]): Buffer {
  const pieces: Buffer[] = [Buffer.from(root)];
  for (const part of parts) pieces.push(Buffer.from("/"), Buffer.from(part));
  return Buffer.concat(pieces);
}

/** Sets the mtime of `path` (not following a final symlink when `noFollow`); atime is left alone. */
export function setMtimeNs(path: string | Uint8Array, ns: bigint, noFollow = false): void {
  const times = new BigInt64Array([0n, UTIME_OMIT, ns / NS, ns % NS]);
  const cpath = Buffer.concat([Buffer.from(path), Buffer.from([0])]);
  if (libc.symbols.utimensat(AT_FDCWD, ptr(cpath), ptr(times), noFollow ? AT_SYMLINK_NOFOLLOW : 0) !== 0) {
    throw new Error(`utimensat failed for ${String(path)}`);
  }
}

/** An Mtime as nanoseconds since the epoch. */
export function toNs(mtime: Mtime): bigint {
  if (typeof mtime === "bigint") return mtime;
  if (typeof mtime === "number") return BigInt(Math.round(mtime * 1e9));
  return BigInt(mtime.getTime()) * 1_000_000n;
}

// --- internal ---

const NS = 1_000_000_000n;
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const UTIME_OMIT = (1n << 30n) - 2n;

const libc = dlopen("libc.so.6", {
  utimensat: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
});

function applyMeta(abs: string, meta: Meta): void {
  if (meta.uid !== undefined || meta.gid !== undefined) lchownSync(abs, meta.uid ?? -1, meta.gid ?? -1);
  if (meta.mode !== undefined) chmodSync(abs, meta.mode);
  if (meta.mtime !== undefined) setMtimeNs(abs, toNs(meta.mtime));
}
