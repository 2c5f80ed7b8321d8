/**
 * Comparing directory trees (after rsync's `checkit`/`cmptree`).
 * - `snapshotTree(root)`: every entry below `root`, lstat'ed (names read as bytes, so names that are
 *   not valid UTF-8 compare exactly), with content digests and symlink targets.
 * - `listTree(rootOrSnapshot)`: sorted relative paths, directories with a trailing `/`.
 * - `diffTrees(a, b, options)`: readable differences (empty when equal).
 * - `expectTreesEqual(a, b, { metadata: true })`: throws with the diff when the trees differ;
 *   metadata = mode bits, owner and ns mtime of files and directories (symlinks: `symlinkMeta`).
 * Either side may be a path or a snapshot taken earlier ("nothing changed" checks).
 * Names are shown with bytes outside printable ASCII (and `\`) as `\xNN`.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, type BigIntStats } from "node:fs";

export type NodeKind = "file" | "dir" | "symlink" | "fifo" | "socket" | "device";

export interface TreeNode {
  readonly kind: NodeKind;
  /** Permission bits, including setuid/setgid/sticky. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtimeNs: bigint;
  readonly size: number;
  /** SHA-256 of a regular file's bytes. */
  readonly digest?: string;
  /** A symlink's target, escaped like names. */
  readonly target?: string;
}

/** Relative path (escaped; the root is ".") → node. */
export type Snapshot = ReadonlyMap<string, TreeNode>;

export interface CompareOptions {
  /** Also compare mode bits, owner and mtime (ns) of files and directories. */
  readonly metadata?: boolean;
  /** With `metadata`, also compare symlinks' own owner and mtime (mode bits of symlinks never). */
  readonly symlinkMeta?: boolean;
  /** Leave the roots' own metadata out (e.g. a destination that existed before). */
  readonly ignoreRoot?: boolean;
  /** Leave these relative paths (and what is below them) out. */
  readonly ignore?: (path: string) => boolean;
}

/** Every entry below `root`, the root itself included as ".". */
export function snapshotTree(root: string): Snapshot {
  const out = new Map<string, TreeNode>();
  visit(Buffer.from(root), ".", out);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Sorted relative paths below the root; directories end in `/`. */
export function listTree(tree: string | Snapshot): string[] {
  const snap = typeof tree === "string" ? snapshotTree(tree) : tree;
  return [...snap].filter(([path]) => path !== ".").map(([path, n]) => (n.kind === "dir" ? `${path}/` : path));
}

/** Human-readable differences between two trees; empty when they are equal. */
export function diffTrees(a: string | Snapshot, b: string | Snapshot, options: CompareOptions = {}): string[] {
  const left = typeof a === "string" ? snapshotTree(a) : a;
  const right = typeof b === "string" ? snapshotTree(b) : b;
  const skip = (p: string) => options.ignore?.(p) === true;
  const diffs: string[] = [];
  for (const path of new Set([...left.keys(), ...right.keys()])) {
    if (skip(path)) continue;
    const x = left.get(path);
    const y = right.get(path);
    if (x === undefined) diffs.push(`+ only in B: ${path}`);
    else if (y === undefined) diffs.push(`- only in A: ${path}`);
    else diffs.push(...diffNode(path, x, y, options.metadata === true && !(path === "." && options.ignoreRoot === true), options.symlinkMeta === true));
  }
  return diffs;
}

/** Throws an Error listing the differences when the trees differ. */
export function expectTreesEqual(a: string | Snapshot, b: string | Snapshot, options: CompareOptions = { metadata: true }): void {
  const diffs = diffTrees(a, b, options);
  if (diffs.length === 0) return;
  const name = (t: string | Snapshot) => (typeof t === "string" ? t : "(snapshot)");
  throw new Error(`trees differ\n  A = ${name(a)}\n  B = ${name(b)}\n  ${diffs.join("\n  ")}`);
}

/** A name or path as text: printable ASCII as is, every other byte (and `\`) as `\xNN`. */
export function escapeBytes(bytes: Uint8Array): string {
  let s = "";
  for (const byte of bytes) {
    s += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return s;
}

// --- internal ---

function visit(abs: Buffer, rel: string, out: Map<string, TreeNode>): void {
  const st = lstatSync(abs, { bigint: true });
  const node = toNode(abs, st);
  out.set(rel, node);
  if (node.kind !== "dir") return;
  for (const name of readdirSync(abs, { encoding: "buffer" })) {
    const child = Buffer.concat([abs, Buffer.from("/"), name]);
    visit(child, rel === "." ? escapeBytes(name) : `${rel}/${escapeBytes(name)}`, out);
  }
}

function toNode(abs: Buffer, st: BigIntStats): TreeNode {
  const kind: NodeKind = st.isFile()
    ? "file"
    : st.isDirectory()
      ? "dir"
      : st.isSymbolicLink()
        ? "symlink"
        : st.isFIFO()
          ? "fifo"
          : st.isSocket()
            ? "socket"
            : "device";
  const base = { kind, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), mtimeNs: st.mtimeNs, size: Number(st.size) };
  if (kind === "file") return { ...base, digest: new Bun.CryptoHasher("sha256").update(readFileSync(abs)).digest("hex") };
  if (kind === "symlink") return { ...base, target: escapeBytes(readlinkSync(abs, { encoding: "buffer" })) };
  return base;
}

function diffNode(path: string, x: TreeNode, y: TreeNode, metadata: boolean, symlinkMeta: boolean): string[] {
  if (x.kind !== y.kind) return [`~ ${path}: kind ${x.kind} ≠ ${y.kind}`];
  const diffs: string[] = [];
  if (x.kind === "file" && (x.size !== y.size || x.digest !== y.digest)) {
    diffs.push(`~ ${path}: content differs (${x.size} bytes, sha256 ${x.digest?.slice(0, 12)} ≠ ${y.size} bytes, sha256 ${y.digest?.slice(0, 12)})`);
  }
  if (x.kind === "symlink" && x.target !== y.target) diffs.push(`~ ${path}: symlink target '${x.target}' ≠ '${y.target}'`);
  if (!metadata || (x.kind === "symlink" && !symlinkMeta)) return diffs;
  if (x.kind !== "symlink" && x.mode !== y.mode) diffs.push(`~ ${path}: mode ${x.mode.toString(8).padStart(4, "0")} ≠ ${y.mode.toString(8).padStart(4, "0")}`);
  if (x.uid !== y.uid || x.gid !== y.gid) diffs.push(`~ ${path}: owner ${x.uid}:${x.gid} ≠ ${y.uid}:${y.gid}`);
  if (x.mtimeNs !== y.mtimeNs) diffs.push(`~ ${path}: mtime ${formatNs(x.mtimeNs)} ≠ ${formatNs(y.mtimeNs)}`);
  return diffs;
}

const formatNs = (ns: bigint): string => `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, "0")}`;
